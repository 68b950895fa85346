/*
 * Kernel command line → argv, environment and kernel parameters. Grammar in cmdline.h.
 * Pure logic: no allocation, works in place; tests/unit builds it for the host.
 */
#include "cmdline.h"

#include <string.h>

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_alpha_(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* NAME=value with NAME a shell variable name. */
static int is_env_word(const char *w)
{
    if (!is_alpha_(*w))
        return 0;
    while (is_alpha_(*w) || is_digit(*w))
        w++;
    return *w == '=';
}

/* prefix.key=value: a name made of [A-Za-z0-9_.-] containing a dot, then '='. A "libos.key"
 * word without '=' is one too, so that the boot refuses it by name instead of taking it for
 * argv[1] (other dotted words without '=', such as "input.txt", are arguments). */
static int is_param_word(const char *w)
{
    const char *word = w;
    int dot = 0;
    if (!is_alpha_(*w))
        return 0;
    for (; *w && *w != '='; w++) {
        if (*w == '.')
            dot = 1;
        else if (!is_alpha_(*w) && !is_digit(*w) && *w != '-')
            return 0;
    }
    return dot && (*w == '=' || strncmp(word, "libos.", 6) == 0);
}

static int appended_by_monitor(const char *w) { return strncmp(w, "virtio_mmio.device=", 19) == 0; }

/* Dequote every word into buf, packed as consecutive NUL-terminated strings; return the count. */
static long split(char *buf, struct libos_cmdline_error *err)
{
    char *in = buf, *out = buf;
    long n = 0;
    for (;;) {
        while (is_blank(*in))
            in++;
        if (!*in)
            return n;
        while (*in && !is_blank(*in)) {
            char q = *in;
            if (q == '"' || q == '\'') {
                long col = in - buf + 1;
                for (in++; *in != q; *out++ = *in++) {
                    if (!*in) {
                        *err = (struct libos_cmdline_error){
                            q == '"' ? "unterminated double quote" : "unterminated single quote", col};
                        return -1;
                    }
                    if (q == '"' && *in == '\\' && (in[1] == '"' || in[1] == '\\'))
                        in++;
                }
                in++;
            } else if (q == '\\') {
                if (!in[1]) {
                    *err = (struct libos_cmdline_error){"backslash at the end", in - buf + 1};
                    return -1;
                }
                in++;
                *out++ = *in++;
            } else {
                *out++ = *in++;
            }
        }
        /* out <= in here; step past the separator before terminating so we never overwrite it. */
        if (*in)
            in++;
        *out++ = '\0';
        n++;
    }
}

enum kind { ARG, ENV, PARAM, SEPARATOR };

/* What word w is, given whether we are still in the leading (parameters and environment) part. */
static enum kind classify(const char *w, int *leading)
{
    if (appended_by_monitor(w))
        return PARAM;
    if (*leading && strcmp(w, "--") == 0) {
        *leading = 0;
        return SEPARATOR;
    }
    if (*leading && is_param_word(w))
        return PARAM;
    if (*leading && is_env_word(w))
        return ENV;
    *leading = 0;
    return ARG;
}

int libos_cmdline_parse(char *buf, const char *argv0, char **words, size_t max_words, struct libos_cmdline *out,
                  struct libos_cmdline_error *err)
{
    long n = split(buf, err);
    if (n < 0)
        return -1;

    /* Count each kind, then lay out argv, envp and params, each followed by its NULL. */
    size_t count[4] = {1, 0, 0, 0}; /* argv[0] is argv0 */
    int leading = 1;
    const char *w = buf;
    for (long i = 0; i < n; i++, w += strlen(w) + 1)
        count[classify(w, &leading)]++;
    if (count[ARG] + count[ENV] + count[PARAM] + 3 > max_words) {
        *err = (struct libos_cmdline_error){"too many words", 0};
        return -1;
    }

    out->argc = (int)count[ARG];
    out->argv = words;
    out->envp = words + count[ARG] + 1;
    out->params = out->envp + count[ENV] + 1;
    char **next[4] = {out->argv, out->envp, out->params, NULL};
    *next[ARG]++ = (char *)argv0;
    leading = 1;
    char *v = buf;
    for (long i = 0; i < n; i++, v += strlen(v) + 1) {
        enum kind k = classify(v, &leading);
        if (k != SEPARATOR)
            *next[k]++ = v;
    }
    *next[ARG] = *next[ENV] = *next[PARAM] = NULL;
    return 0;
}
