# Package.cmake: the Debian package, built by CPack's DEB generator
# (`make package`, or `cpack -G DEB` in build/<preset>), installable with
# `apt install ./netdemo_*.deb`.
#
# The package must pass lintian without errors: stripped programs,
# compressed manual pages and changelog, a DEP-5 copyright file, and
# Depends computed from the libraries the programs really link.

set(NETDEMO_DEB_RELEASE 1) # the packaging revision: 0.1.0-1

# The Debian changelog names the version it packages; refuse to build a
# package whose changelog says another one.
file(STRINGS ${CMAKE_SOURCE_DIR}/packaging/changelog NETDEMO_CHANGELOG_TOP LIMIT_COUNT 1)
if(NOT NETDEMO_CHANGELOG_TOP MATCHES "^netdemo \\(${PROJECT_VERSION}-${NETDEMO_DEB_RELEASE}\\) ")
  message(FATAL_ERROR "packaging/changelog: its first entry must be for "
                      "${PROJECT_VERSION}-${NETDEMO_DEB_RELEASE} (the version in project())")
endif()

# Debian wants documentation files compressed, without a timestamp (-n),
# so the same sources give the same package.
find_program(GZIP gzip REQUIRED)
set(NETDEMO_CHANGELOG_GZ ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz)
add_custom_command(
  OUTPUT ${NETDEMO_CHANGELOG_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND ${GZIP} -9 -n -c ${CMAKE_SOURCE_DIR}/packaging/changelog > ${NETDEMO_CHANGELOG_GZ}
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/changelog
  COMMENT "Compressing the Debian changelog")
add_custom_target(netdemo_changelog ALL DEPENDS ${NETDEMO_CHANGELOG_GZ})

install(FILES packaging/copyright ${NETDEMO_CHANGELOG_GZ} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME netdemo)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netdemo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "netdemo maintainers <netdemo@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "socket-programming teaching suite: TCP, UDP, HTTP and FTP")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # netdemo_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE ${NETDEMO_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends, from what the programs link (dpkg-shlibdeps, in dpkg-dev).
# llhttp is compiled into http-demo, so it is not among them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The extended description; CPack puts the summary above it as the
# synopsis and indents every line.
set(CPACK_PACKAGE_DESCRIPTION
    "Small, real programs that a lecturer runs in front of a class and students
read afterwards: a TCP server in four concurrency models (iterative, fork,
thread, epoll), a UDP server with simulated loss and a ping with an ARQ, a
static-file HTTP server with a bundled site, and an FTP server with a
sample folder, each with a native client and a --trace that narrates every
socket call.")
include(CPack)
