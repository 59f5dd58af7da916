# FindLlhttp: llhttp's C sources as Debian's node-llhttp ships them
# (/usr/share/llhttp/{llhttp,api,http}.c and /usr/share/include/llhttp/llhttp.h),
# built here into a static library, llhttp::llhttp.
#
# llhttp is generated, third-party code: it is compiled with its own quiet
# options, so our -Wpedantic (and -Werror in CI) apply only to netdemo's files.
find_path(LLHTTP_INCLUDE_DIR llhttp.h
  PATHS /usr/share/include/llhttp /usr/include/llhttp /usr/local/include/llhttp)
find_path(LLHTTP_SOURCE_DIR llhttp.c
  PATHS /usr/share/llhttp /usr/local/share/llhttp NO_DEFAULT_PATH)
# All three sources must be there, not just the folder.
set(LLHTTP_SOURCES_OK LLHTTP_SOURCES-NOTFOUND)
if(LLHTTP_SOURCE_DIR AND EXISTS ${LLHTTP_SOURCE_DIR}/llhttp.c AND EXISTS ${LLHTTP_SOURCE_DIR}/api.c
   AND EXISTS ${LLHTTP_SOURCE_DIR}/http.c)
  set(LLHTTP_SOURCES_OK ${LLHTTP_SOURCE_DIR})
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Llhttp
  REQUIRED_VARS LLHTTP_SOURCES_OK LLHTTP_INCLUDE_DIR
  REASON_FAILURE_MESSAGE "install the Debian package node-llhttp (scripts/setup.sh does)")
if(Llhttp_FOUND AND NOT TARGET llhttp::llhttp)
  add_library(llhttp_static STATIC
    ${LLHTTP_SOURCE_DIR}/llhttp.c ${LLHTTP_SOURCE_DIR}/api.c ${LLHTTP_SOURCE_DIR}/http.c)
  target_include_directories(llhttp_static SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
  # Warnings from generated code teach nothing and would fail a -Werror build.
  target_compile_options(llhttp_static PRIVATE -w -Wno-error)
  set_target_properties(llhttp_static PROPERTIES C_EXTENSIONS ON POSITION_INDEPENDENT_CODE ON)
  add_library(llhttp::llhttp ALIAS llhttp_static)
endif()
