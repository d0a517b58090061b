/**
 * VK API errors as the emulator returns them. Codes and messages follow
 * docs/vk-api.md ("Errors and how the client reacts") and what real answers say; where VK's
 * exact wording is not documented the message is ours and says what happened.
 */
import { VK_ERROR, type VkErrorCode } from '../vk/error-codes';

export class VkApiError extends Error {
  constructor(
    readonly code: VkErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const vkErrors = {
  unknownMethod: () => new VkApiError(VK_ERROR.UNKNOWN_METHOD, 'Unknown method passed'),
  noToken: () => new VkApiError(VK_ERROR.AUTH_FAILED, 'User authorization failed: no access_token passed.'),
  badToken: () =>
    new VkApiError(VK_ERROR.AUTH_FAILED, 'User authorization failed: invalid access_token (4).'),
  tooMany: () => new VkApiError(VK_ERROR.TOO_MANY_REQUESTS, 'Too many requests per second'),
  /** VK answers a missing `v` with error 8 (e.g. Dementiy/vkR #45, Sorcery/sorcery #108). */
  noVersion: () =>
    new VkApiError(
      VK_ERROR.INVALID_REQUEST,
      'Invalid request: v is required. Version param should be passed as "v". "version" param is invalid and not supported.',
    ),
  badVersion: (v: string) =>
    new VkApiError(
      VK_ERROR.INVALID_REQUEST,
      `Invalid request: versions below 5.81 are deprecated (got v=${v})`,
    ),
  /** `detail`: what failed inside the emulator (never the token: messages name no parameters). */
  internal: (detail?: string) =>
    new VkApiError(
      VK_ERROR.INTERNAL,
      detail === undefined ? 'Internal server error' : `Internal server error: ${detail}`,
    ),
  compile: (detail: string) => new VkApiError(VK_ERROR.EXECUTE_COMPILE, `Unable to compile code: ${detail}`),
  runtime: (detail: string) =>
    new VkApiError(VK_ERROR.EXECUTE_RUNTIME, `Runtime error occurred during code invocation: ${detail}`),
  tooBig: () =>
    new VkApiError(
      VK_ERROR.EXECUTE_RUNTIME,
      'Runtime error occurred during code invocation: response size is too big',
    ),
  hideMembers: () => new VkApiError(VK_ERROR.ACCESS_DENIED, 'Access denied: group hide members'),
  sortByTime: () =>
    new VkApiError(
      VK_ERROR.ACCESS_DENIED,
      'Access denied: sorting by time is available to community managers only',
    ),
  serviceExecute: () =>
    new VkApiError(
      VK_ERROR.APP_AUTH_FAILED,
      'Application authorization failed: method is unavailable with service token.',
    ),
  accessDenied: () =>
    new VkApiError(VK_ERROR.GROUP_ACCESS_DENIED, 'Access to group denied: the community is closed'),
  param: (detail: string) =>
    new VkApiError(
      VK_ERROR.INVALID_PARAM,
      `One of the parameters specified was missing or invalid: ${detail}`,
    ),
  invalidGroup: () => new VkApiError(VK_ERROR.INVALID_GROUP_ID, 'Invalid group id'),
};
