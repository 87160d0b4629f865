# dev/oci-archive.sh: sourced by dev/build-images and dev/build-image.
# Writes a one-layer OCI image archive (an OCI image layout in a tar file,
# what 'ctr images import' loads) from a root filesystem, without a
# registry or a container engine.  The caller sets $work (a scratch
# directory) and $arch (the image's architecture, in Go's names).

sha256() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# oci_archive ROOTFS NAME CONFIG_JSON OUT: writes OUT, an OCI image layout
# holding one image NAME whose single layer is ROOTFS and whose runtime
# configuration (the image config's "config" member) is CONFIG_JSON.
oci_archive() {
    local rootfs=$1 name=$2 runconf=$3 archive=$4
    local layout=$work/layout-${name##*/}
    local blobs=$layout/blobs/sha256
    rm -rf "$layout"
    mkdir -p "$blobs"

    # The layer: an uncompressed tar, reproducible (sorted, owned by root,
    # dated at the epoch), so its digest is also its diff id.
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        -C "$rootfs" -cf "$work/layer.tar" .
    local layer_digest layer_size
    layer_digest=$(sha256 "$work/layer.tar")
    layer_size=$(size "$work/layer.tar")
    mv "$work/layer.tar" "$blobs/$layer_digest"

    printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"ovn-dpu dev/%s"}]}' \
        "$arch" "$runconf" "$layer_digest" "${0##*/}" > "$work/config.json"
    local config_digest config_size
    config_digest=$(sha256 "$work/config.json")
    config_size=$(size "$work/config.json")
    mv "$work/config.json" "$blobs/$config_digest"

    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
        "$config_digest" "$config_size" "$layer_digest" "$layer_size" \
        > "$work/manifest.json"
    local manifest_digest manifest_size
    manifest_digest=$(sha256 "$work/manifest.json")
    manifest_size=$(size "$work/manifest.json")
    mv "$work/manifest.json" "$blobs/$manifest_digest"

    # containerd names the image after io.containerd.image.name;
    # org.opencontainers.image.ref.name is the OCI layout's own tag.
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
        "$manifest_digest" "$manifest_size" "$arch" "$name" "${name##*:}" \
        > "$layout/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        -C "$layout" -cf "$archive.tmp" oci-layout index.json blobs
    mv "$archive.tmp" "$archive"
}

