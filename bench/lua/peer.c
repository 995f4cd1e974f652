/*
 * peer.c — the Lua peer (peer.h).  One lua_State per peer; the quote function stays at
 * stack index 1 for the peer's life, so a call pushes a copy of it and seven integers,
 * and pops the thirteen results: the stack is back to one slot after every call.
 */
#include "peer.h"

#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

struct lua_peer {
  lua_State *L;
  char error[256];
};

lua_peer *lua_peer_open(const char *script, char *err, size_t errsize) {
  lua_peer *lp = calloc(1, sizeof *lp);
  if (lp == NULL) {
    snprintf(err, errsize, "out of memory");
    return NULL;
  }
  lp->L = luaL_newstate();
  if (lp->L == NULL) {
    snprintf(err, errsize, "luaL_newstate failed");
    free(lp);
    return NULL;
  }
  luaL_openlibs(lp->L);
  if (luaL_loadfile(lp->L, script) != LUA_OK || lua_pcall(lp->L, 0, 1, 0) != LUA_OK ||
      !lua_isfunction(lp->L, -1)) {
    snprintf(err, errsize, "%s: %s", script,
             lua_isstring(lp->L, -1) ? lua_tostring(lp->L, -1) : "does not return a function");
    lua_peer_close(lp);
    return NULL;
  }
  return lp;
}

void lua_peer_close(lua_peer *lp) {
  if (lp == NULL)
    return;
  lua_close(lp->L);
  free(lp);
}

const char *lua_peer_error(const lua_peer *lp) { return lp->error; }

int lua_peer_quote(lua_peer *lp, const ps_resident *r, int32_t paid_on, ps_answer *a) {
  lua_State *L = lp->L;
  lua_pushvalue(L, 1);
  lua_pushinteger(L, r->birth_date);
  lua_pushinteger(L, r->identities);
  lua_pushinteger(L, r->disability_grade);
  lua_pushinteger(L, r->lapsed_years);
  if (r->registered_on == PS_ABSENT)
    lua_pushnil(L);
  else
    lua_pushinteger(L, r->registered_on);
  lua_pushboolean(L, r->paid_normal_rate);
  lua_pushinteger(L, paid_on);
  if (lua_pcall(L, 7, 13, 0) != LUA_OK) {
    snprintf(lp->error, sizeof lp->error, "%s", lua_tostring(L, -1));
    lua_settop(L, 1);
    return -1;
  }
  a->payable = lua_toboolean(L, 2);
  a->category = (int32_t)lua_tointeger(L, 3);
  a->matched = (uint32_t)lua_tointeger(L, 4);
  a->subsidized = lua_toboolean(L, 5);
  a->window = (int32_t)lua_tointeger(L, 6);
  a->refusal = (ps_refusal)lua_tointeger(L, 7);
  a->individual = lua_tointeger(L, 8);
  a->funding[PS_SRC_MEDICAL_ASSISTANCE] = lua_tointeger(L, 9);
  a->funding[PS_SRC_DISABILITY_FUND] = lua_tointeger(L, 10);
  a->funding[PS_SRC_LOCAL_FINANCE] = lua_tointeger(L, 11);
  a->start = (int32_t)lua_tointeger(L, 12);
  a->end = (int32_t)lua_tointeger(L, 13);
  a->wait_months = lua_tointeger(L, 14);
  lua_settop(L, 1);
  return 0;
}
