/** Bearer tokens with scopes, stored hashed and compared in constant time. */
export { isScope, type Scope, scopeAllows, SCOPES } from "./scopes.ts";
export {
  listTokens,
  newToken,
  type TokenInfo,
  tokenProblem,
  type TokenRejection,
  verifyToken,
} from "./tokens.ts";
export { ensureAdminToken } from "./admin_token.ts";
export { forgetToken, TOKEN_CACHE_MS, verifyTokenCached } from "./token_cache.ts";
