/**
 * VK API errors as the emulator returns them. Codes and messages follow
 * docs/vk-api.md ("Rate limits and errors") and what real answers say; where VK's
 * exact wording is not documented the message is ours and says what happened.
 */
export class VkApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const vkErrors = {
  unknownMethod: () => new VkApiError(3, 'Unknown method passed'),
  noToken: () => new VkApiError(5, 'User authorization failed: no access_token passed.'),
  badToken: () => new VkApiError(5, 'User authorization failed: invalid access_token (4).'),
  tooMany: () => new VkApiError(6, 'Too many requests per second'),
  /** VK answers a missing `v` with error 8 (e.g. Dementiy/vkR #45, Sorcery/sorcery #108). */
  noVersion: () =>
    new VkApiError(
      8,
      'Invalid request: v is required. Version param should be passed as "v". "version" param is invalid and not supported.',
    ),
  badVersion: (v: string) =>
    new VkApiError(8, `Invalid request: versions below 5.81 are deprecated (got v=${v})`),
  internal: () => new VkApiError(10, 'Internal server error'),
  compile: (detail: string) => new VkApiError(12, `Unable to compile code: ${detail}`),
  runtime: (detail: string) => new VkApiError(13, `Runtime error occurred during code invocation: ${detail}`),
  tooBig: () => new VkApiError(13, 'Runtime error occurred during code invocation: response size is too big'),
  hideMembers: () => new VkApiError(15, 'Access denied: group hide members'),
  sortByTime: () =>
    new VkApiError(15, 'Access denied: sorting by time is available to community managers only'),
  serviceExecute: () =>
    new VkApiError(28, 'Application authorization failed: method is unavailable with service token.'),
  accessDenied: () => new VkApiError(203, 'Access to group denied: the community is closed'),
  param: (detail: string) =>
    new VkApiError(100, `One of the parameters specified was missing or invalid: ${detail}`),
  invalidGroup: () => new VkApiError(125, 'Invalid group id'),
};
