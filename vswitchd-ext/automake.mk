# The DPU side: ovn-dpu-controller, the DPU agent, with the modules only it
# uses (libovndpu-vswitchd): binding VF representors to br-int ports
# (dpu-binding, the state machine, rep-claims, who may have which
# representor, port-adoption, taking over ovnkube-node's ports, and
# binding-spec, copies of what is wanted) through the OVSDB IDL for the
# Open_vSwitch schema (ovs-port, the rows; pod-bandwidth, the pods'
# bandwidth limits on them), finding the representors
# (representor), the per-PF tunnel endpoint of a multi-VTEP DPU
# (pf-encap-ip), the representors whose link state is ours to put back
# and the file that records them (link-ledger), what a pod object
# wants bound (dpu-pod), the NetworkAttachmentDefinitions that name
# secondary networks (net-attach-def), the loop that watches pods, binds
# them and reports their status (pod-binder), which status entries answer
# connection details that are gone (stale-status), the metrics of the
# bindings (binding-metrics), the node's management port
# (mgmt-port-dpu), and the renewal of the DPU health lease
# (dpu-lease-keeper).  The IDL (vswitch-idl) is part of the
# Open vSwitch tree's libopenvswitch, as it is for OVN.
#
# Nothing here includes a header of the host side (ovn-dpu/), nor the
# other way round; both build on lib/ (tests/layout.at checks).

noinst_LTLIBRARIES += vswitchd-ext/libovndpu-vswitchd.la
vswitchd_ext_libovndpu_vswitchd_la_SOURCES = \
	vswitchd-ext/binding-metrics.c \
	vswitchd-ext/binding-metrics.h \
	vswitchd-ext/binding-spec.c \
	vswitchd-ext/dpu-binding.c \
	vswitchd-ext/dpu-binding.h \
	vswitchd-ext/dpu-binding-private.h \
	vswitchd-ext/dpu-lease-keeper.c \
	vswitchd-ext/dpu-lease-keeper.h \
	vswitchd-ext/dpu-pod.c \
	vswitchd-ext/dpu-pod.h \
	vswitchd-ext/host-node-name.c \
	vswitchd-ext/host-node-name.h \
	vswitchd-ext/link-ledger.c \
	vswitchd-ext/link-ledger.h \
	vswitchd-ext/mgmt-port-dpu.c \
	vswitchd-ext/mgmt-port-dpu.h \
	vswitchd-ext/net-attach-def.c \
	vswitchd-ext/net-attach-def.h \
	vswitchd-ext/ovs-port.c \
	vswitchd-ext/ovs-port.h \
	vswitchd-ext/pf-encap-ip.c \
	vswitchd-ext/pf-encap-ip.h \
	vswitchd-ext/pod-bandwidth.c \
	vswitchd-ext/pod-bandwidth.h \
	vswitchd-ext/pod-binder.c \
	vswitchd-ext/port-adoption.c \
	vswitchd-ext/port-adoption.h \
	vswitchd-ext/pod-binder.h \
	vswitchd-ext/rep-claims.c \
	vswitchd-ext/stale-status.c \
	vswitchd-ext/stale-status.h \
	vswitchd-ext/representor.c \
	vswitchd-ext/representor.h

bin_PROGRAMS += vswitchd-ext/ovn-dpu-controller
vswitchd_ext_ovn_dpu_controller_SOURCES = vswitchd-ext/ovn-dpu-controller.c
vswitchd_ext_ovn_dpu_controller_LDADD = \
	vswitchd-ext/libovndpu-vswitchd.la $(OVN_DPU_LIBS)

man_MANS += vswitchd-ext/ovn-dpu-controller.8
EXTRA_DIST += vswitchd-ext/ovn-dpu-controller.8.in
CLEANFILES += vswitchd-ext/ovn-dpu-controller.8
