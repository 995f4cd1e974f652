/*
 * peer.h — bench/lua/pingshun.lua embedded through Lua 5.4's C API, answering in the
 * hand-written C's types (bench/hand/pingshun.h) so the bench compares field by field.
 */
#ifndef BENCH_LUA_PEER_H
#define BENCH_LUA_PEER_H

#include <stddef.h>

#include "pingshun.h"

typedef struct lua_peer lua_peer;

/* Load the script (a chunk returning the quote function).  NULL on failure, with the
 * message in err. */
lua_peer *lua_peer_open(const char *script, char *err, size_t errsize);
void lua_peer_close(lua_peer *lp);

/* One quote: arguments pushed as integers, 13 results read back.  0 on success, -1 if
 * the call failed (message: lua_peer_error). */
int lua_peer_quote(lua_peer *lp, const ps_resident *r, int32_t paid_on, ps_answer *a);
const char *lua_peer_error(const lua_peer *lp);

#endif
