# The host side: ovn-dpu-host, the host agent, and ovn-dpu-cni, the CNI
# plugin that the host's container runtime runs, with the modules only they
# use (libovndpu-host): the CNI wire format (cni), the CNI server
# (cni-server), the calls it serves (cni-calls: ADD in cni-add, DEL and
# GC in cni-del, the record of calls in cni-call, the removals left to the
# background in cni-bg-patch) and what they read and write on pods
# (cni-pod), the host's VFs: finding them (vf-device), moving them into
# pods (vf-netns) and remembering where (vf-attachments), the watcher
# of the DPU health lease (dpu-lease-watcher), the node's keys that
# sign connection details (host-keys), and the node's management
# port (mgmt-port: the loop; mgmt-port-config: what it must be;
# mgmt-port-link: addresses, routes, neighbours; mgmt-port-nft: the SNAT
# chain) with the gateway interface's annotations (gateway-iface).
#
# Nothing here includes a header of the DPU agent (vswitchd-ext/), nor the
# other way round; both build on lib/ (tests/layout.at checks).

noinst_LTLIBRARIES += ovn-dpu/libovndpu-host.la
ovn_dpu_libovndpu_host_la_SOURCES = \
	ovn-dpu/cni.c \
	ovn-dpu/cni.h \
	ovn-dpu/cni-add.c \
	ovn-dpu/cni-add.h \
	ovn-dpu/cni-bg-patch.c \
	ovn-dpu/cni-bg-patch.h \
	ovn-dpu/cni-call.c \
	ovn-dpu/cni-call.h \
	ovn-dpu/cni-calls.c \
	ovn-dpu/cni-calls.h \
	ovn-dpu/cni-conf.c \
	ovn-dpu/cni-conf.h \
	ovn-dpu/cni-del.c \
	ovn-dpu/cni-del.h \
	ovn-dpu/cni-settings.h \
	ovn-dpu/cni-nad-key.c \
	ovn-dpu/cni-nad-key.h \
	ovn-dpu/cni-pod.c \
	ovn-dpu/cni-pod.h \
	ovn-dpu/cni-server.c \
	ovn-dpu/cni-server.h \
	ovn-dpu/dpu-lease-watcher.c \
	ovn-dpu/dpu-lease-watcher.h \
	ovn-dpu/gateway-iface.c \
	ovn-dpu/gateway-iface.h \
	ovn-dpu/host-keys.c \
	ovn-dpu/host-keys.h \
	ovn-dpu/mgmt-port.c \
	ovn-dpu/mgmt-port.h \
	ovn-dpu/mgmt-port-config.c \
	ovn-dpu/mgmt-port-config.h \
	ovn-dpu/mgmt-port-link.c \
	ovn-dpu/mgmt-port-link.h \
	ovn-dpu/mgmt-port-nft.c \
	ovn-dpu/mgmt-port-nft.h \
	ovn-dpu/vf-attachments.c \
	ovn-dpu/vf-attachments.h \
	ovn-dpu/vf-device.c \
	ovn-dpu/vf-device.h \
	ovn-dpu/vf-netns.c \
	ovn-dpu/vf-netns.h \
	ovn-dpu/vf-pool.c \
	ovn-dpu/vf-pool.h

bin_PROGRAMS += ovn-dpu/ovn-dpu-host ovn-dpu/ovn-dpu-cni

ovn_dpu_ovn_dpu_host_SOURCES = ovn-dpu/ovn-dpu-host.c
# libnftables is not linked: ovn-dpu/mgmt-port-nft.c loads it while it
# uses it.
ovn_dpu_ovn_dpu_host_LDADD = ovn-dpu/libovndpu-host.la $(OVN_DPU_LIBS)

# The plugin needs only the C library (CNI_PLUGIN_LIBS: OpenSSL, linked
# statically where configure can): it uses neither libcurl nor cJSON nor
# the other libraries of the agents.
ovn_dpu_ovn_dpu_cni_SOURCES = ovn-dpu/ovn-dpu-cni.c
ovn_dpu_ovn_dpu_cni_LDADD = ovn-dpu/libovndpu-host.la lib/libovndpu.la \
	$(CNI_PLUGIN_LIBS)
# libopenvswitch's .la lists libraries the plugin's few objects never call
# (libcap-ng, libatomic, libm): only link those that are used, whatever
# the toolchain's default.
ovn_dpu_ovn_dpu_cni_LDFLAGS = -Wl,--as-needed

# Container runtimes look for CNI plugins in /opt/cni/bin (containerd's
# "bin_dir", CRI-O's "plugin_dirs").  'make install cnibindir=/opt/cni/bin'
# also links ovn-dpu-cni there; by default only $(bindir) gets it.  With
# 'cnioverlay=yes' as well, the plugin is also linked there as
# ovn-k8s-cni-overlay, the "type" that OVN-Kubernetes'
# NetworkAttachmentDefinitions name, so that Multus runs ovn-dpu-cni for
# them (ovn-dpu-cni(8)).
cnibindir =
cnioverlay =
CNI_OVERLAY_NAME = ovn-k8s-cni-overlay
install-exec-hook: install-cni-plugin-link
install-cni-plugin-link:
	@if test -n "$(cnioverlay)" && test -z "$(cnibindir)"; then \
	  echo "cnioverlay=yes needs cnibindir=DIR" >&2; exit 1; \
	fi
	@if test -n "$(cnibindir)"; then \
	  echo " $(MKDIR_P) '$(DESTDIR)$(cnibindir)'"; \
	  $(MKDIR_P) '$(DESTDIR)$(cnibindir)' && \
	  echo " ln -sf '$(bindir)/ovn-dpu-cni' '$(DESTDIR)$(cnibindir)/ovn-dpu-cni'"; \
	  ln -sf '$(bindir)/ovn-dpu-cni' '$(DESTDIR)$(cnibindir)/ovn-dpu-cni'; \
	fi
	@if test "$(cnioverlay)" = yes; then \
	  echo " ln -sf '$(bindir)/ovn-dpu-cni' '$(DESTDIR)$(cnibindir)/$(CNI_OVERLAY_NAME)'"; \
	  ln -sf '$(bindir)/ovn-dpu-cni' '$(DESTDIR)$(cnibindir)/$(CNI_OVERLAY_NAME)'; \
	elif test -n "$(cnioverlay)"; then \
	  echo "cnioverlay=$(cnioverlay): only 'yes' is meaningful" >&2; exit 1; \
	fi
uninstall-hook: uninstall-cni-plugin-link
uninstall-cni-plugin-link:
	@if test -n "$(cnibindir)"; then \
	  rm -f '$(DESTDIR)$(cnibindir)/ovn-dpu-cni'; \
	  if test "$(cnioverlay)" = yes; then \
	    rm -f '$(DESTDIR)$(cnibindir)/$(CNI_OVERLAY_NAME)'; \
	  fi; \
	fi
.PHONY: install-cni-plugin-link uninstall-cni-plugin-link

# Manual pages (see the rule in Makefile.am).
man_MANS += ovn-dpu/ovn-dpu-host.8 ovn-dpu/ovn-dpu-cni.8
EXTRA_DIST += \
	ovn-dpu/ovn-dpu-host.8.in \
	ovn-dpu/ovn-dpu-cni.8.in
CLEANFILES += ovn-dpu/ovn-dpu-host.8 ovn-dpu/ovn-dpu-cni.8
