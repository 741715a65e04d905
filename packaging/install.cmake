# The install layout (`cmake --install`, and the .deb made by CPack with `make package`):
#   /usr/bin/ponte, /etc/ponte/ponte.yaml (the annotated example, a conffile the package never
#   overwrites once changed), /usr/lib/systemd/system/ponte.service, sysusers.d and tmpfiles.d
#   snippets, /usr/lib/ponte/adapters/ for ledger plugins, the documentation.
include(GNUInstallDirs)
install(TARGETS ponte RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/config/ponte.example.yaml DESTINATION /etc/ponte RENAME ponte.yaml)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/ponte.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/ponte.sysusers DESTINATION lib/sysusers.d RENAME ponte.conf)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/ponte.tmpfiles DESTINATION lib/tmpfiles.d RENAME ponte.conf)
install(DIRECTORY DESTINATION lib/ponte/adapters)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ponte)
set(CPACK_PACKAGE_VENDOR "ponte")
set(CPACK_PACKAGE_CONTACT "ponte maintainers <ponte@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Connects municipalities (creditor institutions) to the pagoPA payment node")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm ${PROJECT_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
