/**
 * VK API error codes by name (https://dev.vk.com/en/reference/errors; docs/vk-api.md). Shared
 * by the client (how to react) and the emulator (what to answer), so both say the same code.
 */
export const VK_ERROR = {
  UNKNOWN: 1,
  UNKNOWN_METHOD: 3,
  AUTH_FAILED: 5,
  TOO_MANY_REQUESTS: 6,
  INVALID_REQUEST: 8,
  FLOOD_CONTROL: 9,
  INTERNAL: 10,
  EXECUTE_COMPILE: 12,
  EXECUTE_RUNTIME: 13,
  CAPTCHA: 14,
  ACCESS_DENIED: 15,
  VALIDATION_REQUIRED: 17,
  USER_DELETED: 18,
  APP_AUTH_FAILED: 28,
  RATE_LIMIT_REACHED: 29,
  PRIVATE_PROFILE: 30,
  INVALID_PARAM: 100,
  INVALID_USER_ID: 113,
  INVALID_GROUP_ID: 125,
  GROUP_ACCESS_DENIED: 203,
} as const;

export type VkErrorCode = (typeof VK_ERROR)[keyof typeof VK_ERROR];
