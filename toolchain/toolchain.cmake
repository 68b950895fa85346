# toolchain.cmake: build every target of a project for libos.
#
# Not needed for most applications: libos_add_executable() compiles an image's own sources for
# libos, and a helper library of yours can link libos::target to get the same flags. Use this
# file when a project has many targets of its own, or libraries whose CMake code you would rather
# not edit (a vendored library), and all of them should be built for libos:
#   cmake -S app -B build -DCMAKE_TOOLCHAIN_FILE=<libos source>/toolchain/toolchain.cmake
#   cmake -S app -B build -DCMAKE_TOOLCHAIN_FILE=<prefix>/lib/libos/toolchain.cmake  (installed)
# The project still gets libos itself the usual way (find_package, add_subdirectory or
# FetchContent). Such a build tree cannot hold host programs: every executable is linked without
# a C library, so only libos images link. (Code that needs libos's POSIX additions to newlib's
# headers links libos::posix; see the XXX in libos-flags.cmake.)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
# The host gcc, which also built newlib (build-newlib).
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)
# The GNU linker's archive group, which libos::libos asks for; CMake knows it only for real systems.
set(CMAKE_LINK_GROUP_USING_RESCAN "LINKER:--start-group" "LINKER:--end-group")
set(CMAKE_LINK_GROUP_USING_RESCAN_SUPPORTED TRUE)
# CMake's compiler checks cannot link a program without libos's start-up code: build archives.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# The flags of libos::target, as one string each (SHELL: only means something to
# target_compile_options).
include(${CMAKE_CURRENT_LIST_DIR}/libos-flags.cmake)
list(JOIN LIBOS_COMPILE_OPTIONS " " flags)
string(REPLACE "SHELL:" "" flags "${flags}")
set(CMAKE_C_FLAGS_INIT "${flags}")
set(CMAKE_ASM_FLAGS_INIT "${flags}")
list(JOIN LIBOS_LINK_OPTIONS " " CMAKE_EXE_LINKER_FLAGS_INIT)
