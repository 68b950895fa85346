# libos-flags.cmake: the target's compile and link flags, the one list of them.
#
# Included by libos.cmake (they become libos::target) and by toolchain.cmake (they become every
# target's flags). Needs CMAKE_C_COMPILER (the host gcc). Sets
#   LIBOS_NEWLIB_DIR       newlib: include/, lib/libc.a, lib/libm.a
#   LIBOS_GCC_INCLUDE      gcc's own headers (stddef.h, stdarg.h, ...)
#   LIBOS_LIBGCC           libgcc.a
#   LIBOS_COMPILE_OPTIONS  compile flags, in target_compile_options() form ("SHELL:" keeps each
#                          -isystem with its directory)
#   LIBOS_LINK_OPTIONS     link flags

# newlib: a source tree builds it once per flag set with build-newlib, cached outside the build
# tree (build-newlib runs at every configure; it only hashes its flags when the build is cached,
# so a change of newlib flags is picked up without clearing CMake's cache). An installed libos
# carries its own copy in newlib/ beside this file.
if(NOT LIBOS_NEWLIB_DIR)
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/build-newlib)
    execute_process(COMMAND ${CMAKE_CURRENT_LIST_DIR}/build-newlib
                    OUTPUT_VARIABLE LIBOS_NEWLIB_DIR RESULT_VARIABLE rc
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "libos: could not build newlib (run toolchain/bootstrap first)")
    endif()
  else()
    set(LIBOS_NEWLIB_DIR ${CMAKE_CURRENT_LIST_DIR}/newlib)
  endif()
endif()

# libos's own POSIX headers (sys/features.h, the pthread types, poll.h, ...) complete newlib's; they
# are part of the C library's interface, so every file built for libos sees them, before newlib's.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/../libos/posix/include/sys/features.h)
  get_filename_component(LIBOS_POSIX_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/../libos/posix/include ABSOLUTE)
else()
  get_filename_component(LIBOS_POSIX_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/../../include ABSOLUTE)
endif()

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE LIBOS_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE LIBOS_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)

# Ring-0 code linked at 1 MiB: no PIE, no red zone (exceptions push onto the running stack), frame
# pointers for backtraces, sections for --gc-sections. Headers: libos's POSIX headers, then
# newlib's, then gcc's own (stddef.h, stdarg.h, ...); never the host's.
# Overflow checks, for libos, newlib (toolchain/build-newlib) and apps alike: the stack protector
# with one global guard (no TLS here; libos/boot/ssp.c), probes that keep a large frame or alloca
# from stepping over a stack's guard page, and _FORTIFY_SOURCE's checked string and memory calls
# (active when optimising). Their costs are in docs/debugging.md.
# Apps are hosted C (no -ffreestanding): builtins stay on, so sqrt is an sqrtsd instruction (gcc's
# default -fmath-errno keeps newlib's errno: a negative argument still calls sqrt) and small
# constant memcpy/memset are inline moves (tests/bench/hosted.py measures both). libos's own
# libraries add -ffreestanding (libos_library in libos.cmake), and newlib is built with it.
set(LIBOS_COMPILE_OPTIONS
  -fno-pie -fno-pic -mno-red-zone -fcf-protection=none
  -fstack-protector-strong -mstack-protector-guard=global -fstack-clash-protection
  -D_FORTIFY_SOURCE=2
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections
  -g -nostdinc
  "SHELL:-isystem ${LIBOS_POSIX_INCLUDE}" "SHELL:-isystem ${LIBOS_NEWLIB_DIR}/include"
  "SHELL:-isystem ${LIBOS_GCC_INCLUDE}")
set(LIBOS_LINK_OPTIONS
  -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,-n -Wl,-z,noexecstack)
