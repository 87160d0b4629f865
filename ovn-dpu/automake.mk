# The programs: ovn-dpu-controller (DPU side) and ovn-dpu-host (host side).

bin_PROGRAMS += ovn-dpu/ovn-dpu-controller ovn-dpu/ovn-dpu-host

ovn_dpu_ovn_dpu_controller_SOURCES = ovn-dpu/ovn-dpu-controller.c
ovn_dpu_ovn_dpu_controller_LDADD = \
	vswitchd-ext/libovndpu-vswitchd.la $(OVN_DPU_LIBS)

ovn_dpu_ovn_dpu_host_SOURCES = ovn-dpu/ovn-dpu-host.c
ovn_dpu_ovn_dpu_host_LDADD = $(OVN_DPU_LIBS)

# Manual pages: written in roff with '.so' lines that pull in Open vSwitch's
# fragments for the daemon, vlog and unixctl options.
man_MANS += ovn-dpu/ovn-dpu-controller.8 ovn-dpu/ovn-dpu-host.8
EXTRA_DIST += \
	ovn-dpu/ovn-dpu-controller.8.in \
	ovn-dpu/ovn-dpu-host.8.in \
	lib/dpu-lease-options.man \
	lib/dpu-lease-unixctl.man \
	lib/k8s-options.man \
	lib/k8s-unixctl.man
CLEANFILES += ovn-dpu/ovn-dpu-controller.8 ovn-dpu/ovn-dpu-host.8

SUFFIXES = .8.in .8
.8.in.8:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	PYTHONPATH=$(OVS_SRCDIR)/python $(PYTHON) \
	    $(OVS_SRCDIR)/build-aux/soexpand.py -I$(OVS_SRCDIR) -I$(top_srcdir) \
	    < $< > $@.tmp1 && \
	sed -e 's,[@]VERSION[@],$(VERSION),g' \
	    -e 's,[@]RUNDIR[@],$(localstatedir)/run/openvswitch,g' \
	    -e 's,[@]LOGDIR[@],$(localstatedir)/log/openvswitch,g' \
	    -e 's,[@]DBDIR[@],$(sysconfdir)/openvswitch,g' \
	    < $@.tmp1 > $@.tmp && \
	rm $@.tmp1 && mv $@.tmp $@
