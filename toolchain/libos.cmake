# libos.cmake: how C code is compiled and linked into a libos image.
#
# Included by libos's own CMakeLists.txt and by the installed libosConfig.cmake. It defines
#   libos::target                   an INTERFACE target with the target's compile and link flags,
#   libos_library(name ...)         a libos static library (used by libos itself),
#   libos_add_executable(name ...)  an application image <name>.elf and a run-<name> target.
# The host gcc builds everything: no cross compiler and no toolchain file are needed, so host
# programs (tests/unit) can live in the same build tree. toolchain/toolchain.cmake exists for
# projects that want every target of theirs built for libos.
include_guard(GLOBAL)

set(LIBOS_TOOLCHAIN_DIR ${CMAKE_CURRENT_LIST_DIR})

# newlib: built once per flag set by toolchain/build-newlib and cached outside the build tree; an
# installed libos carries its own copy and sets LIBOS_NEWLIB_DIR before including this file.
# build-newlib runs at every configure (it only hashes its flags when the build is cached), so a
# change of newlib flags is picked up without clearing CMake's cache.
if(NOT LIBOS_NEWLIB_DIR)
  execute_process(COMMAND ${LIBOS_TOOLCHAIN_DIR}/build-newlib
                  OUTPUT_VARIABLE LIBOS_NEWLIB_DIR RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "libos: could not build newlib (run toolchain/bootstrap first)")
  endif()
endif()

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE LIBOS_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE LIBOS_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)

if(NOT TARGET libos_target)
  add_library(libos_target INTERFACE)
  add_library(libos::target ALIAS libos_target)
  # Ring-0 code linked at 1 MiB: no PIE, no red zone (exceptions push onto the running stack),
  # frame pointers for backtraces, sections for --gc-sections. The include order puts libos's
  # POSIX headers before newlib's, then gcc's own (stddef.h, stdarg.h, ...).
  target_compile_options(libos_target INTERFACE
    -ffreestanding -fno-pie -fno-pic -mno-red-zone -fno-stack-protector -fcf-protection=none
    -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections
    -g -nostdinc
    "SHELL:-isystem ${LIBOS_NEWLIB_DIR}/include" "SHELL:-isystem ${LIBOS_GCC_INCLUDE}")
  target_link_options(libos_target INTERFACE
    -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,-n
    -Wl,-z,noexecstack)
endif()

# libos_library(<name> SOURCES ... [DEPENDS <lower libraries>...])
# A static library libos_<name> (alias libos::<name>) with its public headers in include/. DEPENDS
# names the layers below whose headers it may include; nothing else is visible to it.
function(libos_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPENDS" ${ARGN})
  if(arg_SOURCES)
    add_library(libos_${name} STATIC ${arg_SOURCES})
    target_include_directories(libos_${name} PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
    target_link_libraries(libos_${name} PUBLIC libos::target)
    # Optimised builds of libos itself favour size: most of it runs once (boot) or rarely, and
    # the hello goal is 12 KiB of libos code. A library with a hot path may ask for -O2.
    target_compile_options(libos_${name} PRIVATE $<$<CONFIG:Release,MinSizeRel>:-Os>)
  else()
    add_library(libos_${name} INTERFACE)
    target_include_directories(libos_${name} INTERFACE
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
  endif()
  foreach(dep ${arg_DEPENDS})
    target_include_directories(libos_${name} PRIVATE
      $<TARGET_PROPERTY:libos_${dep},INTERFACE_INCLUDE_DIRECTORIES>)
  endforeach()
  add_library(libos::${name} ALIAS libos_${name})
  set_property(GLOBAL APPEND PROPERTY LIBOS_LIBRARIES libos_${name})
endfunction()

# libos_add_executable(<name> <sources>...)
# Builds <name>.elf, a bootable image of the application, and a target run-<name> that boots it.
# All libos libraries and newlib are offered to the linker as one group; it takes only the objects
# the application references (directly or through newlib), and --gc-sections drops the rest.
function(libos_add_executable name)
  set(name_c ${CMAKE_CURRENT_BINARY_DIR}/${name}.libos-name.c)
  file(GENERATE OUTPUT ${name_c} CONTENT "const char libos_app_name[] = \"${name}\";\n")
  add_executable(${name} ${ARGN} ${name_c})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf")
  target_link_libraries(${name} PRIVATE libos::libos)
  target_link_options(${name} PRIVATE -T ${LIBOS_TOOLCHAIN_DIR}/libos.ld
                      -Wl,-Map=$<TARGET_FILE:${name}>.map)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${LIBOS_TOOLCHAIN_DIR}/libos.ld)
  # Put the symbol table into the image; in optimised builds move debug info to <name>.elf.debug.
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${LIBOS_TOOLCHAIN_DIR}/libos-symtab $<$<CONFIG:Release,MinSizeRel>:--split-debug>
            $<TARGET_FILE:${name}>
    VERBATIM)
  add_custom_target(run-${name}
    COMMAND ${LIBOS_TOOLCHAIN_DIR}/libos-run $<TARGET_FILE:${name}>
    DEPENDS ${name} USES_TERMINAL VERBATIM)
endfunction()
