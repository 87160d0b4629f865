# Debian packaging, shipped in the distribution tarball so that it can be
# built from there too ("dpkg-buildpackage -us -uc -b"; dev/build-packages).

EXTRA_DIST += \
	debian/10-ovn-dpu.conflist \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/ovn-dpu-controller.default \
	debian/ovn-dpu-controller.install \
	debian/ovn-dpu-controller.logrotate \
	debian/ovn-dpu-controller.service \
	debian/ovn-dpu-doc.docs \
	debian/ovn-dpu-host.default \
	debian/ovn-dpu-host.examples \
	debian/ovn-dpu-host.install \
	debian/ovn-dpu-host.links \
	debian/ovn-dpu-host.logrotate \
	debian/ovn-dpu-host.prerm \
	debian/ovn-dpu-host.service \
	debian/rules \
	debian/source/format
