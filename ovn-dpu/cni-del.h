/*
 * CNI DEL and GC in ovn-dpu-host (cni-del.c), for the CNI calls
 * (cni-calls.c).
 */

#ifndef CNI_DEL_H
#define CNI_DEL_H 1

struct cni_call;
struct cni_calls;
struct cni_request;

/* Starts the DEL in 'call', which is then in flight: cni_del_run() takes
 * it on. */
void cni_del_start(struct cni_calls *, struct cni_call *call);
void cni_del_run(struct cni_calls *, struct cni_call *call);

/* Does what DEL would for every attachment of network 'req->nad' that is
 * not in 'req''s valid attachments. */
void cni_gc_serve(struct cni_calls *, const struct cni_request *req);

#endif /* cni-del.h */
