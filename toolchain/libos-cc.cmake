# libos-cc.cmake: a toolchain file that makes libos-cc the C compiler of a CMake project that does
# not know libos: its add_executable() targets become bootable images, unchanged.
#   cmake -S app -B build -DCMAKE_TOOLCHAIN_FILE=<libos build dir>/libos-cc.cmake
#   cmake -S app -B build -DCMAKE_TOOLCHAIN_FILE=<prefix>/lib/libos/libos-cc.cmake  (installed)
# (toolchain.cmake is the other kind: libos's flags for a project that links with
# libos_add_executable().) Devices: LIBOS_DEVICES in the environment of the build.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/libos-cc)
  set(CMAKE_C_COMPILER ${CMAKE_CURRENT_LIST_DIR}/libos-cc)
else()
  get_filename_component(CMAKE_C_COMPILER ${CMAKE_CURRENT_LIST_DIR}/../../bin/libos-cc ABSOLUTE)
endif()
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
