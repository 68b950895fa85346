# Lua 5.4: its Makefile (`make generic`: ISO C plus what newlib has), the interpreter running
# check.lua (errors through setjmp/longjmp, stdio on /tmp, time, libm, strings, coroutines, the
# collector); Debian's source has no Lua test suite, so the script is ours. `make posix` needs
# flockfile and _setjmp (the POSIX surface work adds them).
fetch_args="lua5.4 5.4.4-3+deb12u1 bookworm"
build_native() { make -j2 generic; }
build_libos() { LIBOS_DEVICES="initrd tmpfs" make -j2 CC="$LIBOS_CC" generic; }
check() {
    mkdir -p in
    cp "$here/lua/check.lua" in/
    (cd in && LUA_TMP=$work/lua-check.txt ../native/src/lua check.lua) >check.native
    boot libos/src/lua --timeout 120 --initrd in -- check.lua >check.libos
    same check.native check.libos "lua check.lua"
}
