# Install rules and the Debian package (cpack -G DEB; README "Run it as a service").
#
# Layout: binaries in /usr/bin; the service's configuration in /etc/casewatch (a conffile); the
# unit in /lib/systemd/system (bookworm's place for units); the documented defaults, the Grafana
# dashboards and the Prometheus configuration and rules in /usr/share/casewatch; README, copyright
# and changelog in /usr/share/doc/casewatch; man pages. The duty console's files (web/) are built
# into casewatchd, so none are installed. /var/lib/casewatch and the casewatch user are made by
# postinst (packaging/debian/), the unit's StateDirectory= keeps the directory's mode.
include(GNUInstallDirs)

install(TARGETS casewatchd casewatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Full RELRO (relocations resolved at start, then read-only), as Debian's hardening wants; a link
# option only, so no object file changes.
target_link_options(casewatchd PRIVATE -Wl,-z,relro,-z,now)
target_link_options(casewatch PRIVATE -Wl,-z,relro,-z,now)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/casewatch.yaml DESTINATION /etc/casewatch)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/casewatch.service
        DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/config/casewatch.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/casewatch
        RENAME casewatch.defaults.yaml)
# The dashboards and rules come from their own folders when the tree has them.
foreach(dir grafana prometheus)
  if(EXISTS ${CMAKE_SOURCE_DIR}/config/${dir})
    install(DIRECTORY ${CMAKE_SOURCE_DIR}/config/${dir} DESTINATION ${CMAKE_INSTALL_DATADIR}/casewatch)
  endif()
endforeach()

# Debian wants the changelog (changelog.gz: a native package) and the man pages gzipped with no timestamp (gzip -n), at -9.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(CASEWATCH_PACKAGE_GZ ${CMAKE_BINARY_DIR}/packaging)
function(casewatch_gzip source name)
  set(out ${CASEWATCH_PACKAGE_GZ}/${name}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CASEWATCH_PACKAGE_GZ}
    COMMAND ${GZIP_PROGRAM} -9n -c ${source} > ${out}
    DEPENDS ${source} VERBATIM)
  set(CASEWATCH_GZ_OUTPUTS ${CASEWATCH_GZ_OUTPUTS} ${out} PARENT_SCOPE)
endfunction()
casewatch_gzip(${CMAKE_SOURCE_DIR}/packaging/debian/changelog changelog)
casewatch_gzip(${CMAKE_SOURCE_DIR}/packaging/man/casewatchd.8 casewatchd.8)
casewatch_gzip(${CMAKE_SOURCE_DIR}/packaging/man/casewatch.1 casewatch.1)
add_custom_target(casewatch_package_files ALL DEPENDS ${CASEWATCH_GZ_OUTPUTS})
install(FILES ${CASEWATCH_PACKAGE_GZ}/changelog.gz ${CMAKE_SOURCE_DIR}/packaging/debian/copyright
              ${CMAKE_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CASEWATCH_PACKAGE_GZ}/casewatchd.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CASEWATCH_PACKAGE_GZ}/casewatch.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME casewatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "casewatch maintainers <casewatch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "petition case deadline watch with tiered alerts")
# CPack makes the summary the synopsis and indents this as the extended description.
set(CPACK_PACKAGE_DESCRIPTION
    "casewatchd takes petition (citizen complaint) case events from ZeroMQ or JSON\n\
Lines feeds, keeps every open case's statutory clocks and raises tiered alerts\n\
(overdue, repeat visits, group incidents, escalation risk, key cases) for duty\n\
officers, with metrics for Prometheus and the Grafana dashboards.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps works out the library dependencies; adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
    GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
