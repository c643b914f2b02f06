# Installation and the Debian package (issue 19; docs/OPERATIONS.md).
#
# One package, `outpost`, for both sides: a store machine and head office need
# the same user, folders and operator tool (`outpost`: keygen, backup,
# restore, verify), and the three programs share most of their code; the
# units of both sides are installed and none is enabled, so the admin enables
# the units of this machine's side. One package also means one version on a
# machine: the desk, sync and the backup tool never disagree on the schema.
#
# The programs' own install rules (install(TARGETS ... bin)) sit beside their
# add_executable. Anything else installed by an install() rule anywhere in the
# tree (man pages, shell completion: issue 19 item 5) goes into the package as
# well: CPack packages every install rule, nothing is listed here.
#
# /etc and /lib/systemd are absolute on purpose: the units and the
# configuration go where systemd and dpkg look whatever the prefix, so install
# into a staging root with `DESTDIR=/tmp/root cmake --install build/release`.
# /var/lib/outpost is not in the package: postinst creates it when missing, so
# dpkg never owns (or on purge removes) the data folder.

include(GNUInstallDirs)

set(OUTPOST_CONFIG_DIR /etc/outpost CACHE PATH "where the configuration files are installed")
set(OUTPOST_UNIT_DIR /lib/systemd/system CACHE PATH "where the systemd units are installed")

set(outpost_packaging ${PROJECT_SOURCE_DIR}/ops/packaging)

# /etc/outpost and /etc/outpost/keys: 0750; postinst gives them to group
# outpost (which does not exist when dpkg unpacks).
install(DIRECTORY DESTINATION ${OUTPOST_CONFIG_DIR}
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
install(DIRECTORY DESTINATION ${OUTPOST_CONFIG_DIR}/keys
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
install(FILES ${outpost_packaging}/etc/hub.toml ${outpost_packaging}/etc/edge.toml
              ${outpost_packaging}/etc/backup.env
        DESTINATION ${OUTPOST_CONFIG_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

install(FILES ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-hub.service
              ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-web.service
              ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-hub-notify.service
              ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-edge-sync.service
              ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-edge-notify.service
              ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-backup.service
              ${PROJECT_SOURCE_DIR}/ops/systemd/outpost-backup.timer
        DESTINATION ${OUTPOST_UNIT_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# The documents the units and the example files point to.
install(FILES README.md docs/OPERATIONS.md docs/BACKUP.md docs/RECOVERY.md docs/PAPER.md
              docs/WEB.md docs/OUTREACH.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
foreach(optional_doc CONFIG.md MONITORING.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/docs/${optional_doc})
    install(FILES docs/${optional_doc} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
endforeach()

# The Debian package: `cpack -G DEB` in a build folder (ops/package-test.sh).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME outpost)
set(CPACK_PACKAGE_VENDOR "Outpost")
set(CPACK_PACKAGE_CONTACT "Outpost maintainers <outpost@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "offline-first bookings for chains of branch stores, and their head office")
set(CPACK_PACKAGE_DESCRIPTION
    "Each store runs outpost-edge, a desk on a local SQLite database that works with no
network, and its sync and notify daemons; head office runs outpost-hub (the hub
daemon, the web console, queries); outpost holds the operator tools (keys,
backup, restore, verify). systemd units for both sides, none enabled.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.com/outpost")
# The shared libraries' packages come from dpkg-shlibdeps; postinst needs adduser.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# conffiles names the three files installed in /etc/outpost above: dpkg keeps
# the admin's changes on upgrade (and asks when the shipped file changed too).
# CPack 3.25 does not list them by itself; ops/package-test.sh checks the two agree.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${outpost_packaging}/debian/conffiles ${outpost_packaging}/debian/postinst
    ${outpost_packaging}/debian/prerm ${outpost_packaging}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
