# The OVS side of the DPU agent: binding VF representors to br-int ports
# through the OVSDB IDL for the Open_vSwitch schema (dpu-binding), finding
# the representors (representor), the file that records the representors
# whose link state is ours to put back (link-ledger), what a pod object
# wants bound (dpu-pod), and the loop that watches pods, binds them and
# reports their status (pod-binder).  The IDL (vswitch-idl) is part of the
# Open vSwitch tree's libopenvswitch, as it is for OVN.

noinst_LTLIBRARIES += vswitchd-ext/libovndpu-vswitchd.la
vswitchd_ext_libovndpu_vswitchd_la_SOURCES = \
	vswitchd-ext/dpu-binding.c \
	vswitchd-ext/dpu-binding.h \
	vswitchd-ext/dpu-pod.c \
	vswitchd-ext/dpu-pod.h \
	vswitchd-ext/link-ledger.c \
	vswitchd-ext/link-ledger.h \
	vswitchd-ext/pod-binder.c \
	vswitchd-ext/pod-binder.h \
	vswitchd-ext/representor.c \
	vswitchd-ext/representor.h
