# libos.cmake: how C code is compiled and linked into a libos image.
#
# Included by libos's own CMakeLists.txt and by the installed libosConfig.cmake. It defines
#   libos::target                   an INTERFACE target with the target's compile and link flags,
#   libos_library(name ...)         a libos static library (used by libos itself),
#   libos_add_libos_target()        libos::libos (and libos::libos_size), once the libraries exist
#                                   (used by libos itself and by libosConfig.cmake),
#   libos_add_executable(name ...)  an application image <name>.elf and a run-<name> target.
# The host gcc builds everything: no cross compiler and no toolchain file are needed, so host
# programs (tests/unit) can live in the same build tree. toolchain/toolchain.cmake exists for
# projects that want every target of theirs built for libos.
#
# The same file serves the source tree and an installed libos: everything it needs (libos.ld,
# libos-symtab, libos-run, libos-flags.cmake, and newlib's copy when installed) lies beside it.
include_guard(GLOBAL)

# Where libos.ld, libos-symtab and libos-run are: toolchain/ in the source tree, <prefix>/lib/libos
# when installed. The functions below do not read this variable, which is out of the caller's
# scope when libos is a subdirectory (add_subdirectory, FetchContent); they use
# CMAKE_CURRENT_FUNCTION_LIST_DIR, the same directory.
set(LIBOS_TOOLCHAIN_DIR ${CMAKE_CURRENT_LIST_DIR})
include(${CMAKE_CURRENT_LIST_DIR}/libos-flags.cmake)

# libos::target is made here, in tree and installed alike, and never exported: its flags name
# where newlib and gcc's headers are on the machine that configures the application.
if(NOT TARGET libos_target)
  add_library(libos_target INTERFACE)
  add_library(libos::target ALIAS libos_target)
  target_compile_options(libos_target INTERFACE ${LIBOS_COMPILE_OPTIONS})
  target_link_options(libos_target INTERFACE ${LIBOS_LINK_OPTIONS})
endif()

# libos_library(<name> SOURCES ... [DEPENDS <lower libraries>...])
# A static library libos_<name> (alias libos::<name>, exported as libos::<name>) with its public
# headers in include/. It carries libos::target's flags to its users. DEPENDS names the layers
# below whose headers it may include; nothing else is visible to it. Without SOURCES it is a
# header-only INTERFACE library.
function(libos_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPENDS" ${ARGN})
  # libos::target is not exported: libosConfig.cmake links the installed libraries to its own.
  if(arg_SOURCES)
    add_library(libos_${name} STATIC ${arg_SOURCES})
    target_include_directories(libos_${name} PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
    target_link_libraries(libos_${name} PUBLIC $<BUILD_INTERFACE:libos::target>)
    # Optimised builds of libos itself favour size (-Oz: gcc 12's smallest): most of it runs once
    # (boot) or rarely, and the hello goal is 12 KiB of libos code. A hot path asks for -O2.
    target_compile_options(libos_${name} PRIVATE $<$<CONFIG:Release,MinSizeRel>:-Oz>)
    # libos's own sources build without warnings, and stay so (an installed libos's users and the
    # application's own code get none of these).
    target_compile_options(libos_${name} PRIVATE -Wall -Wextra -Werror)
    # libos itself is freestanding: no builtin assumptions about the functions it defines.
    target_compile_options(libos_${name} PRIVATE -ffreestanding)
  else()
    add_library(libos_${name} INTERFACE)
    target_include_directories(libos_${name} INTERFACE
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
    target_link_libraries(libos_${name} INTERFACE $<BUILD_INTERFACE:libos::target>)
  endif()
  foreach(dep ${arg_DEPENDS})
    target_include_directories(libos_${name} PRIVATE
      $<TARGET_PROPERTY:libos_${dep},INTERFACE_INCLUDE_DIRECTORIES>)
  endforeach()
  add_library(libos::${name} ALIAS libos_${name})
  set_target_properties(libos_${name} PROPERTIES EXPORT_NAME ${name})
  set_property(GLOBAL APPEND PROPERTY LIBOS_LIBRARIES ${name})
endfunction()

# libos_add_libos_target()
# libos::libos: everything an application links, made from the libraries named in the global
# property LIBOS_LIBRARIES (libos::<name> for each). The linker sees all archives and newlib as one
# group (they call each other: newlib calls our write(), we call its memcpy()) and pulls in only
# the objects that are referenced. libos::libos links newlib's speed build (-O2, lib/speed/),
# libos::libos_size its size build (-Os, lib/): libos_add_executable's OPTIMIZE picks one. A
# newlib without a speed build (-DLIBOS_NEWLIB_DIR= another newlib) serves both.
function(libos_add_libos_target)
  get_property(names GLOBAL PROPERTY LIBOS_LIBRARIES)
  set(libraries)
  set(archives)
  foreach(name ${names})
    list(APPEND libraries libos::${name})
    get_target_property(type libos::${name} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      list(APPEND archives libos::${name})
    endif()
  endforeach()
  set(speed ${LIBOS_NEWLIB_DIR}/lib/speed)
  if(NOT EXISTS ${speed}/libc.a)
    set(speed ${LIBOS_NEWLIB_DIR}/lib)
  endif()
  foreach(variant "libos:${speed}" "libos_size:${LIBOS_NEWLIB_DIR}/lib")
    string(REGEX MATCH "^[^:]*" target ${variant})
    string(REGEX REPLACE "^[^:]*:" "" newlib ${variant})
    add_library(libos_${target} INTERFACE)
    add_library(libos::${target} ALIAS libos_${target})
    target_link_libraries(libos_${target} INTERFACE libos::target ${libraries}
      "$<LINK_GROUP:RESCAN,${archives},${newlib}/libc.a,${newlib}/libm.a,${LIBOS_LIBGCC}>")
  endforeach()
endfunction()

# _libos_size(<var> <target> <option> <size>): <size> ("8M", "256K", "1G", "65536") in bytes, from
# 16K to 64G (what libos.stack= accepts too); anything else stops the configure with a reason.
function(_libos_size var target option size)
  if(NOT size MATCHES "^([0-9]+)([KkMmGg]?)$")
    message(FATAL_ERROR "libos_add_executable(${target}): ${option} '${size}' is not a size (bytes, or a number with K, M or G)")
  endif()
  set(n ${CMAKE_MATCH_1})
  string(TOUPPER "${CMAKE_MATCH_2}" unit)
  if(unit STREQUAL "K")
    math(EXPR n "${n} * 1024")
  elseif(unit STREQUAL "M")
    math(EXPR n "${n} * 1024 * 1024")
  elseif(unit STREQUAL "G")
    math(EXPR n "${n} * 1024 * 1024 * 1024")
  endif()
  if(n LESS 16384 OR n GREATER 68719476736)
    message(FATAL_ERROR "libos_add_executable(${target}): ${option} ${size} is out of range (16K to 64G)")
  endif()
  set(${var} ${n} PARENT_SCOPE)
endfunction()

# libos_add_executable(<name> <sources>... [DEVICES <device>...] [STACK_SIZE <size>]
#                      [THREAD_STACK_SIZE <size>] [MAX_CONNECTIONS <n>] [OPTIMIZE speed|size])
# Builds <name>.elf, a bootable image of the application, and a target run-<name> that boots it.
# All libos libraries and newlib are offered to the linker as one group; it takes only the objects
# the application references (directly or through newlib), and --gc-sections drops the rest.
# DEVICES names device drivers to link even when nothing calls them by name (a disk reached only
# through open(), later): each becomes a linker -u reference to the driver's init, which the
# start-up sequence then calls through its weak reference. Known devices: blk (virtio disks, also
# as /dev/vda, ...), tmpfs (a RAM file system at /tmp), initrd (the -initrd's cpio archive as a
# read-only file system at /, or at libos.initrd=/path), net (virtio-net NICs with lwIP, configured
# by net.* words or DHCP at boot: docs/networking.md), ext4 (the disks' ext2/3/4 file systems,
# mounted where libos.mount=DISK:/PATH words on the command line say; implies blk).
#
# STACK_SIZE <size> is main's stack (default 8M, as on Linux) and THREAD_STACK_SIZE <size> a new
# thread's default (default 8M); a size is bytes or a number with K, M or G. Stacks cost only
# the pages they touch (docs/threads.md); the command line's libos.stack= and
# libos.thread_stack= override both at boot. A STACK_SIZE of at most 64K runs main on the boot
# stack (64 KiB, in the image): the image then carries no code for growing stacks unless it has
# threads, which is how hello keeps its size goals.
#
# MAX_CONNECTIONS <n> sizes the network's pools for n TCP connections at once (default
# LIBOS_NET_MAX_CONNECTIONS, 1000; net.max_conns= on the command line overrides it at boot).
#
# OPTIMIZE picks newlib's build: speed (the default) links newlib with its string and memory
# functions compiled at -O2 (word at a time; memcpy, memset and memmove our own) and libm at -O2;
# size links all of newlib at -Os (byte-at-a-time string functions, smaller code), as hello does
# for its size goals. It changes only which newlib archives are linked, not how the application's
# own sources are compiled (that is the project's CMAKE_BUILD_TYPE / flags). docs/porting.md.
function(libos_add_executable name)
  cmake_parse_arguments(arg "" "STACK_SIZE;THREAD_STACK_SIZE;MAX_CONNECTIONS;OPTIMIZE" "DEVICES" ${ARGN})
  if(NOT DEFINED arg_OPTIMIZE OR arg_OPTIMIZE STREQUAL "speed")
    set(libos_libs libos::libos)
  elseif(arg_OPTIMIZE STREQUAL "size")
    set(libos_libs libos::libos_size)
  else()
    message(FATAL_ERROR "libos_add_executable(${name}): OPTIMIZE '${arg_OPTIMIZE}' is neither speed nor size")
  endif()
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  if(NOT DEFINED arg_STACK_SIZE)
    set(arg_STACK_SIZE 8M)
  endif()
  _libos_size(stack_bytes "${name}" STACK_SIZE "${arg_STACK_SIZE}")
  set(name_c ${CMAKE_CURRENT_BINARY_DIR}/${name}.libos-name.c)
  set(generated "const char libos_app_name[] = \"${name}\";\n")
  if(stack_bytes GREATER 65536)
    # main runs on a stack of the stack area: the start sequence's call to main reaches
    # __wrap_main (libos/mm/stack_entry.S), which switches to it.
    string(APPEND generated "const unsigned long libos_app_stack_size = ${stack_bytes}ul;\n")
  endif()
  if(DEFINED arg_THREAD_STACK_SIZE)
    _libos_size(thread_bytes "${name}" THREAD_STACK_SIZE "${arg_THREAD_STACK_SIZE}")
    string(APPEND generated "const unsigned long libos_app_thread_stack_size = ${thread_bytes}ul;\n")
  endif()
  if(DEFINED arg_MAX_CONNECTIONS)
    # libos::net sizes lwIP's pools from it at boot (net/pools.c; net.max_conns= overrides).
    if(NOT arg_MAX_CONNECTIONS MATCHES "^[1-9][0-9]*$" OR arg_MAX_CONNECTIONS GREATER 65535)
      message(FATAL_ERROR "libos_add_executable(${name}): MAX_CONNECTIONS '${arg_MAX_CONNECTIONS}': expected 1 to 65535")
    endif()
    string(APPEND generated "const unsigned libos_app_net_max_connections = ${arg_MAX_CONNECTIONS}u;\n")
  endif()
  file(GENERATE OUTPUT ${name_c} CONTENT "${generated}")
  add_executable(${name} ${arg_UNPARSED_ARGUMENTS} ${name_c})
  if(stack_bytes GREATER 65536)
    target_link_options(${name} PRIVATE -Wl,--wrap=main)
  endif()
  foreach(device ${arg_DEVICES})
    if(device STREQUAL "blk")
      target_link_options(${name} PRIVATE -Wl,-u,libos_blk_init)
    elseif(device STREQUAL "tmpfs")
      target_link_options(${name} PRIVATE -Wl,-u,libos_tmpfs_init)
    elseif(device STREQUAL "initrd")
      target_link_options(${name} PRIVATE -Wl,-u,libos_initrd_init)
    elseif(device STREQUAL "net")
      target_link_options(${name} PRIVATE -Wl,-u,libos_net_init)
    elseif(device STREQUAL "ext4")
      target_link_options(${name} PRIVATE -Wl,-u,libos_blk_init -Wl,-u,libos_ext4_init)
    else()
      message(FATAL_ERROR "libos_add_executable(${name}): unknown device '${device}' (known: blk, tmpfs, initrd, net, ext4)")
    endif()
  endforeach()
  set_target_properties(${name} PROPERTIES SUFFIX ".elf")
  target_link_libraries(${name} PRIVATE ${libos_libs})
  target_link_options(${name} PRIVATE -T ${dir}/libos.ld -Wl,-Map=$<TARGET_FILE:${name}>.map)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${dir}/libos.ld)
  # Put the symbol table into the image; in optimised builds move debug info to <name>.elf.debug.
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${dir}/libos-symtab $<$<CONFIG:Release,MinSizeRel>:--split-debug>
            $<TARGET_FILE:${name}>
    VERBATIM)
  add_custom_target(run-${name}
    COMMAND ${dir}/libos-run $<TARGET_FILE:${name}>
    DEPENDS ${name} USES_TERMINAL VERBATIM)
endfunction()
