# User documentation beyond the man pages.
EXTRA_DIST += \
	Documentation/k8s-client.rst \
	Documentation/testing.rst
