# -*- autoconf -*-
# configure checks for ovn-dpu: where the Open vSwitch tree is, which
# libraries we need, and the warning flags we build with.

dnl OVN_DPU_CHECK_OVS
dnl
dnl Finds the Open vSwitch source tree (--with-ovs-source) and build tree
dnl (--with-ovs-build, defaulting to the source tree), the way OVN's
dnl OVN_CHECK_OVS does.  We link against lib/libopenvswitch.la from the
dnl build tree and compile against the headers of both trees.
AC_DEFUN([OVN_DPU_CHECK_OVS], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=DIR],
                    [Open vSwitch source tree to build against])])
  AC_ARG_WITH([ovs-build],
    [AS_HELP_STRING([--with-ovs-build=DIR],
                    [Open vSwitch build tree (default: the source tree)])])

  AC_MSG_CHECKING([for Open vSwitch source directory])
  if test X"$with_ovs_source" = X || test X"$with_ovs_source" = Xyes; then
    AC_MSG_ERROR([--with-ovs-source=DIR is required: point it at an Open vSwitch source tree (Debian: unpack /usr/src/openvswitch/openvswitch.tar.gz from the openvswitch-source package)])
  fi
  OVS_SRCDIR=`cd "$with_ovs_source" 2>/dev/null && pwd`
  if test ! -f "$OVS_SRCDIR/vswitchd/bridge.c" || \
     test ! -f "$OVS_SRCDIR/lib/poll-loop.c"; then
    AC_MSG_ERROR([$with_ovs_source is not an Open vSwitch source tree])
  fi
  AC_MSG_RESULT([$OVS_SRCDIR])

  AC_MSG_CHECKING([for Open vSwitch build directory])
  if test X"$with_ovs_build" != X; then
    OVS_BUILDDIR=`cd "$with_ovs_build" 2>/dev/null && pwd`
  else
    OVS_BUILDDIR=$OVS_SRCDIR
  fi
  if test ! -f "$OVS_BUILDDIR/config.h"; then
    AC_MSG_ERROR([$OVS_BUILDDIR is not a configured Open vSwitch build tree (no config.h): run configure there first])
  fi
  AC_MSG_RESULT([$OVS_BUILDDIR])

  AC_MSG_CHECKING([for lib/libopenvswitch.la in the Open vSwitch build tree])
  if test ! -f "$OVS_BUILDDIR/lib/libopenvswitch.la" || \
     test ! -f "$OVS_BUILDDIR/lib/vswitch-idl.h"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([Open vSwitch in $OVS_BUILDDIR is not built: run 'make' there first])
  fi
  AC_MSG_RESULT([yes])

  OVS_VERSION=`sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$OVS_BUILDDIR/config.h"`
  AC_MSG_CHECKING([Open vSwitch version])
  AC_MSG_RESULT([$OVS_VERSION])
  case $OVS_VERSION in
    2.*|3.0*) AC_MSG_ERROR([Open vSwitch $OVS_VERSION is too old: 3.1 or later is needed]) ;;
  esac

  OVS_HAVE_OPENSSL=`grep -c '^#define HAVE_OPENSSL 1' "$OVS_BUILDDIR/config.h"`

  AC_SUBST([OVS_SRCDIR])
  AC_SUBST([OVS_BUILDDIR])
  AC_SUBST([OVS_VERSION])
  AC_SUBST([OVS_LIBDIR], ['$(OVS_BUILDDIR)/lib'])
])

dnl OVN_DPU_CHECK_LIBS
dnl
dnl libcurl talks HTTPS to the Kubernetes API server, cJSON parses and
dnl builds its bodies, libyaml reads kubeconfig files, libnl-route moves
dnl and configures a pod's VF through rtnetlink, libmicrohttpd serves the
dnl metrics and health endpoint, libnftables sets the host's management
dnl port SNAT chain, libcrypto signs connection details (HMAC-SHA256) and
dnl its SHA-256 derives an IPv6 management port's MAC address as
dnl ovn-kubernetes does.
AC_DEFUN([OVN_DPU_CHECK_LIBS], [
  dnl libcurl 7.77 has CURLOPT_CAINFO_BLOB (CA data from a kubeconfig or
  dnl --k8s-cacert-data) besides the 7.71 client certificate and key
  dnl blobs; CURLOPT_PROTOCOLS_STR (7.85) has a fallback.  cJSON 1.7.13
  dnl has cJSON_ParseWithLength(Opts), which parses bodies that are not
  dnl null-terminated.  See README.rst for which distributions have them.
  PKG_CHECK_MODULES([CURL], [libcurl >= 7.77.0], [],
    [AC_MSG_ERROR([libcurl 7.77 or later is required, for CURLOPT_CAINFO_BLOB (Debian: apt-get install libcurl4-openssl-dev): $CURL_PKG_ERRORS])])
  PKG_CHECK_MODULES([CJSON], [libcjson >= 1.7.13], [],
    [AC_MSG_ERROR([cJSON 1.7.13 or later is required, for cJSON_ParseWithLength (Debian: apt-get install libcjson-dev): $CJSON_PKG_ERRORS])])
  PKG_CHECK_MODULES([YAML], [yaml-0.1], [],
    [AC_MSG_ERROR([libyaml is required to read kubeconfig files (Debian: apt-get install libyaml-dev)])])
  PKG_CHECK_MODULES([LIBNL], [libnl-route-3.0 >= 3.2], [],
    [AC_MSG_ERROR([libnl-route 3.2 or later is required to configure pods' VFs (Debian: apt-get install libnl-route-3-dev)])])
  dnl 0.9.71 has everything used (external polling with epoll,
  dnl MHD_OPTION_LISTEN_SOCKET, connection notifications).
  PKG_CHECK_MODULES([MICROHTTPD], [libmicrohttpd >= 0.9.71], [],
    [AC_MSG_ERROR([libmicrohttpd 0.9.71 or later is required for the metrics endpoint (Debian: apt-get install libmicrohttpd-dev)])])
  dnl ovn-dpu-host loads libnftables with dlopen() while it uses it
  dnl (ovn-dpu/mgmt-port-nft.c): the header here, the library at run time.
  PKG_CHECK_MODULES([NFTABLES], [libnftables >= 0.9.7], [],
    [AC_MSG_ERROR([libnftables 0.9.7 or later is required for the management port's SNAT (Debian: apt-get install libnftables-dev)])])
  AC_SEARCH_LIBS([dlopen], [dl], [],
    [AC_MSG_ERROR([dlopen() is required to load libnftables])])
  if test "$OVS_HAVE_OPENSSL" != 0; then
    PKG_CHECK_MODULES([OPENSSL], [openssl], [],
      [AC_MSG_ERROR([Open vSwitch was built with OpenSSL, so its headers and libraries are required (Debian: apt-get install libssl-dev)])])
  fi
  dnl libcrypto: HMAC-SHA256 and random keys for the connection-details
  dnl authority (lib/conn-auth.c), whether or not OVS uses OpenSSL.
  PKG_CHECK_MODULES([LIBCRYPTO], [libcrypto >= 1.1], [],
    [AC_MSG_ERROR([libcrypto (OpenSSL) 1.1 or later is required to sign connection details (Debian: apt-get install libssl-dev)])])

  dnl The CNI plugin is copied onto hosts (the host DaemonSet's init
  dnl container installs it) whose OpenSSL may not be the build machine's,
  dnl so it links OpenSSL statically where the static archives exist
  dnl (Debian's libssl-dev has them; RHEL: openssl-static).
  dnl Archives go in by name, and libopenvswitch as its archive with the
  dnl libraries its .la lists except OpenSSL's: libtool would put the
  dnl shared -lssl of that list first, or move a -Wl,-Bstatic away from
  dnl the options it is meant for.
  CNI_PLUGIN_LIBS='$(OVS_LIBDIR)/libopenvswitch.la'" $OPENSSL_LIBS $LIBCRYPTO_LIBS"
  AC_MSG_CHECKING([whether OpenSSL links statically into the CNI plugin])
  ssl_archives="`$CC -print-file-name=libssl.a` `$CC -print-file-name=libcrypto.a`"
  ovs_archive=$OVS_BUILDDIR/lib/.libs/libopenvswitch.a
  ovs_deps=
  for lib in `sed -n "s/^dependency_libs='\(.*\)'$/\1/p" \
                  "$OVS_BUILDDIR/lib/libopenvswitch.la"`; do
    case $lib in
      -lssl|-lcrypto) ;;
      *.la) ovs_deps="$ovs_deps `dirname $lib`/.libs/`basename $lib .la`.a" ;;
      *) ovs_deps="$ovs_deps $lib" ;;
    esac
  done
  save_LIBS=$LIBS
  LIBS="$ssl_archives $LIBS"
  AS_IF([test -f "$ovs_archive"],
    [AC_LINK_IFELSE(
      [AC_LANG_PROGRAM([[#include <openssl/ssl.h>]],
                       [[return SSL_CTX_new(TLS_method()) != 0;]])],
      [cni_static_ssl=yes], [cni_static_ssl=no])],
    [cni_static_ssl=no])
  LIBS=$save_LIBS
  AC_MSG_RESULT([$cni_static_ssl])
  if test $cni_static_ssl = yes; then
    CNI_PLUGIN_LIBS="$ovs_archive $ovs_deps $ssl_archives"
  else
    AC_MSG_WARN([ovn-dpu-cni will need the build machine's libssl and libcrypto on every host])
  fi
  AC_SUBST([CNI_PLUGIN_LIBS])
])

dnl OVN_DPU_ENABLE_WERROR
AC_DEFUN([OVN_DPU_ENABLE_WERROR], [
  AC_ARG_ENABLE([Werror],
    [AS_HELP_STRING([--enable-Werror], [turn compiler warnings into errors])],
    [], [enable_Werror=no])
  AC_CONFIG_COMMANDS_PRE([
    if test "X$enable_Werror" = Xyes; then
      WARNING_FLAGS="$WARNING_FLAGS -Werror"
    fi])
])

dnl OVN_DPU_CHECK_CC_OPTION(OPTION)
dnl Appends OPTION to WARNING_FLAGS if the compiler accepts it.
AC_DEFUN([OVN_DPU_CHECK_CC_OPTION], [
  AS_VAR_PUSHDEF([ovn_dpu_cv], [ovn_dpu_cv_cc_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [ovn_dpu_cv],
    [ovn_dpu_save_CFLAGS=$CFLAGS
     CFLAGS="$CFLAGS $WARNING_FLAGS -Werror $1"
     AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
                       [AS_VAR_SET([ovn_dpu_cv], [yes])],
                       [AS_VAR_SET([ovn_dpu_cv], [no])])
     CFLAGS=$ovn_dpu_save_CFLAGS])
  AS_VAR_IF([ovn_dpu_cv], [yes], [WARNING_FLAGS="$WARNING_FLAGS $1"])
  AS_VAR_POPDEF([ovn_dpu_cv])
])

dnl OVN_DPU_ENABLE_SANITIZERS
dnl
dnl --enable-sanitizers builds ovn-dpu (not the Open vSwitch library it links,
dnl which is built separately) with AddressSanitizer, LeakSanitizer and
dnl UndefinedBehaviorSanitizer, any report being fatal, for "make check".
AC_DEFUN([OVN_DPU_ENABLE_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers],
                    [build with AddressSanitizer and UndefinedBehaviorSanitizer])],
    [], [enable_sanitizers=no])
  if test "X$enable_sanitizers" = Xyes; then
    SANITIZER_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS $SANITIZER_FLAGS"
    save_LDFLAGS=$LDFLAGS
    LDFLAGS="$LDFLAGS $SANITIZER_FLAGS"
    AC_MSG_CHECKING([whether $CC supports $SANITIZER_FLAGS])
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       AC_MSG_ERROR([--enable-sanitizers: $CC cannot build with $SANITIZER_FLAGS])])
  fi
  AC_SUBST([enable_sanitizers])
])

dnl OVN_DPU_ENABLE_FUZZING
dnl
dnl --enable-fuzzing builds the libFuzzer targets in fuzz/, one for each
dnl decoder of outside data.  It needs clang: ovn-dpu's own objects get
dnl libFuzzer's coverage instrumentation, AddressSanitizer (with
dnl LeakSanitizer) and UndefinedBehaviorSanitizer, any report being fatal,
dnl and the targets link libFuzzer and its main() (FUZZ_LDFLAGS).  The
dnl Open vSwitch library that we link stays as it was built.
AC_DEFUN([OVN_DPU_ENABLE_FUZZING], [
  AC_ARG_ENABLE([fuzzing],
    [AS_HELP_STRING([--enable-fuzzing],
                    [build the libFuzzer targets in fuzz/ (needs CC=clang)])],
    [], [enable_fuzzing=no])
  FUZZ_LDFLAGS=
  if test "X$enable_fuzzing" = Xyes; then
    FUZZ_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
    save_LDFLAGS=$LDFLAGS
    CFLAGS="$CFLAGS $FUZZ_CFLAGS"
    LDFLAGS="$LDFLAGS -fsanitize=fuzzer"
    AC_MSG_CHECKING([whether $CC can build libFuzzer targets])
    AC_LINK_IFELSE(
      [AC_LANG_SOURCE([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{ return data && size ? 0 : 0; }]])],
      [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       AC_MSG_ERROR([--enable-fuzzing: $CC cannot build libFuzzer targets: configure with CC=clang (Debian: apt-get install clang libclang-rt-14-dev)])])
    dnl Everything links the sanitizers' runtimes; only the targets link
    dnl libFuzzer, which brings its own main().
    LDFLAGS="$save_LDFLAGS -fsanitize=address,undefined"
    FUZZ_LDFLAGS="-fsanitize=fuzzer"
  fi
  AC_SUBST([FUZZ_LDFLAGS])
  AM_CONDITIONAL([ENABLE_FUZZING], [test "X$enable_fuzzing" = Xyes])
])
