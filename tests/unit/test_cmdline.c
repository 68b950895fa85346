/*
 * Host tests of libos/boot/cmdline.c: splitting and dequoting the kernel command line, and sorting
 * its words into kernel parameters, environment and argv (grammar in libos/boot/cmdline.h).
 */
#include "cmdline.h"
#include "check.h"

#include <stdlib.h>

#define MAX_WORDS 64

struct parsed {
    int rc;
    struct libos_cmdline cl;
    struct libos_cmdline_error err;
    char buf[512];
    char *words[MAX_WORDS];
};

static struct parsed *parse_n(const char *line, size_t max_words)
{
    static struct parsed p;
    memset(&p, 0x5a, sizeof p); /* garbage, so that nothing passes by accident */
    snprintf(p.buf, sizeof p.buf, "%s", line);
    p.rc = libos_cmdline_parse(p.buf, "app", p.words, max_words, &p.cl, &p.err);
    return &p;
}

static struct parsed *parse(const char *line) { return parse_n(line, MAX_WORDS); }

/* Compare a NULL-terminated list with the expected words (a NULL-terminated array). */
#define CHECK_LIST(expected, actual)                                                               \
    do {                                                                                           \
        const char *const *list_exp_ = (expected);                                                \
        char **list_act_ = (actual);                                                               \
        size_t list_i_ = 0;                                                                        \
        for (; list_exp_[list_i_]; list_i_++)                                                      \
            CHECK_STR(list_exp_[list_i_], list_act_[list_i_]);                                     \
        CHECK_STR(NULL, list_act_[list_i_]);                                                       \
    } while (0)

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

/* A successful parse into the given argv (after argv[0]), environment and parameters. */
#define CHECK_PARSE(line, argv_, envp_, params_)                                                   \
    do {                                                                                           \
        struct parsed *p_ = parse(line);                                                          \
        CHECK_EQ(0, p_->rc);                                                                       \
        if (p_->rc == 0) {                                                                         \
            size_t n_ = 0;                                                                         \
            while ((argv_)[n_])                                                                    \
                n_++;                                                                              \
            CHECK_EQ(n_ + 1, p_->cl.argc);                                                         \
            CHECK_STR("app", p_->cl.argv[0]);                                                      \
            CHECK_LIST(argv_, p_->cl.argv + 1);                                                    \
            CHECK_LIST(envp_, p_->cl.envp);                                                        \
            CHECK_LIST(params_, p_->cl.params);                                                    \
        }                                                                                          \
    } while (0)

#define CHECK_ERROR(line, reason_, column_)                                                        \
    do {                                                                                           \
        struct parsed *p_ = parse(line);                                                          \
        CHECK_EQ(-1, p_->rc);                                                                      \
        if (p_->rc == -1) {                                                                        \
            CHECK_STR(reason_, p_->err.reason);                                                    \
            CHECK_EQ(column_, p_->err.column);                                                     \
        }                                                                                          \
    } while (0)

static void test_words(void)
{
    CHECK_PARSE("", NONE, NONE, NONE);
    CHECK_PARSE("   \t ", NONE, NONE, NONE);
    CHECK_PARSE("a", WORDS("a"), NONE, NONE);
    CHECK_PARSE("  one two\tthree\n four  ", WORDS("one", "two", "three", "four"), NONE, NONE);
    CHECK_PARSE("-x --long=1 /path/to.file", WORDS("-x", "--long=1", "/path/to.file"), NONE, NONE);
}

static void test_quoting(void)
{
    CHECK_PARSE("\"b c\"", WORDS("b c"), NONE, NONE);
    CHECK_PARSE("\"\"", WORDS(""), NONE, NONE);
    CHECK_PARSE("'' x", WORDS("", "x"), NONE, NONE);
    /* Inside double quotes, \" and \\ are escapes; any other backslash stays. */
    CHECK_PARSE("\"say \\\"hi\\\"\"", WORDS("say \"hi\""), NONE, NONE);
    CHECK_PARSE("\"a\\\\b\"", WORDS("a\\b"), NONE, NONE);
    CHECK_PARSE("\"a\\nb\\'\"", WORDS("a\\nb\\'"), NONE, NONE);
    /* Single quotes are literal: backslashes and double quotes included. */
    CHECK_PARSE("'a \\\" \\\\ \"b\"'", WORDS("a \\\" \\\\ \"b\""), NONE, NONE);
    /* Outside quotes a backslash escapes the next character, blanks and quotes included. */
    CHECK_PARSE("back\\ slash \\\"q \\\\ \\'", WORDS("back slash", "\"q", "\\", "'"), NONE, NONE);
    /* Quoted and unquoted parts of one word join. */
    CHECK_PARSE("mix\"ed \"'qu oted'!", WORDS("mixed qu oted!"), NONE, NONE);
    CHECK_PARSE("\"tab\there\"", WORDS("tab\there"), NONE, NONE);
}

static void test_kinds(void)
{
    CHECK_PARSE("GREETING=Hi a \"b c\"", WORDS("a", "b c"), WORDS("GREETING=Hi"), NONE);
    CHECK_PARSE("libos.verbose=1 A=1 _b2=x y", WORDS("y"), WORDS("A=1", "_b2=x"), WORDS("libos.verbose=1"));
    /* Quoting does not change a word's kind: it is decided on the dequoted word. */
    CHECK_PARSE("\"G=x y\" z", WORDS("z"), WORDS("G=x y"), NONE);
    CHECK_PARSE("E= F==", NONE, WORDS("E=", "F=="), NONE);
    /* After the first argument, NAME=value and a.b=c are arguments. */
    CHECK_PARSE("a X=1 libos.verbose=1", WORDS("a", "X=1", "libos.verbose=1"), NONE, NONE);
    /* Not names: a leading digit, a dash, nothing before '='. */
    CHECK_PARSE("1X=1", WORDS("1X=1"), NONE, NONE);
    CHECK_PARSE("X-Y=1", WORDS("X-Y=1"), NONE, NONE);
    CHECK_PARSE("=1", WORDS("=1"), NONE, NONE);
    CHECK_PARSE(".a=1", WORDS(".a=1"), NONE, NONE);
    CHECK_PARSE("foo.bar-baz_2=v", NONE, NONE, WORDS("foo.bar-baz_2=v"));
    /* libos.key without a value is still ours (the boot refuses it); other dotted words are not. */
    CHECK_PARSE("libos.verbose", NONE, NONE, WORDS("libos.verbose"));
    CHECK_PARSE("input.txt libos.verbose", WORDS("input.txt", "libos.verbose"), NONE, NONE);
    /* "--" ends the leading part and is dropped; a later "--" is an argument. */
    CHECK_PARSE("-- X=1", WORDS("X=1"), NONE, NONE);
    CHECK_PARSE("G=1 -- X=1 -- b", WORDS("X=1", "--", "b"), WORDS("G=1"), NONE);
    CHECK_PARSE("a -- b", WORDS("a", "--", "b"), NONE, NONE);
    CHECK_PARSE("--", NONE, NONE, NONE);
    CHECK_PARSE("\"--\" x", WORDS("x"), NONE, NONE);
    /* QEMU's microvm appends virtio_mmio.device=...: a parameter wherever it stands. */
    CHECK_PARSE("a b virtio_mmio.device=512@0xfeb00e00:12", WORDS("a", "b"), NONE,
                WORDS("virtio_mmio.device=512@0xfeb00e00:12"));
    CHECK_PARSE("-- x virtio_mmio.device=1 virtio_mmio.device=2", WORDS("x"), NONE,
                WORDS("virtio_mmio.device=1", "virtio_mmio.device=2"));
}

static void test_errors(void)
{
    CHECK_ERROR("\"abc", "unterminated double quote", 1);
    CHECK_ERROR("ab 'cd", "unterminated single quote", 4);
    CHECK_ERROR("x \"a\\\"", "unterminated double quote", 3);
    CHECK_ERROR("abc\\", "backslash at the end", 4);
    CHECK_ERROR("a b \\", "backslash at the end", 5);
}

static void test_word_limit(void)
{
    /* argv[0], one word, and the three NULLs: 5 pointers. */
    struct parsed *p = parse_n("one", 5);
    CHECK_EQ(0, p->rc);
    CHECK_EQ(2, p->cl.argc);
    p = parse_n("one two", 5);
    CHECK_EQ(-1, p->rc);
    if (p->rc == -1)
        CHECK_STR("too many words", p->err.reason);
    p = parse_n("E=1 libos.a=1 x", 7);
    CHECK_EQ(0, p->rc);
    p = parse_n("E=1 libos.a=1 x", 6);
    CHECK_EQ(-1, p->rc);

    /* A line of many words, all kept. */
    char line[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(line, i % 2 ? "ab " : "c ");
    p = parse_n(line, MAX_WORDS);
    CHECK_EQ(0, p->rc);
    CHECK_EQ(61, p->cl.argc);
    CHECK_STR("c", p->cl.argv[59]);
    CHECK_STR("ab", p->cl.argv[60]);
    CHECK_STR(NULL, p->cl.argv[61]);
}

int main(void)
{
    test_words();
    test_quoting();
    test_kinds();
    test_errors();
    test_word_limit();
    return CHECK_DONE();
}
