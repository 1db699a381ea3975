// One error registry: every API error has a stable PascalCase code, an HTTP status and a
// wire form, so errors survive the hop between threads without relying on instanceof.

export const CODES = {
  ValidationError: 400,
  InvalidJson: 400,
  InvalidId: 400,
  Unauthorized: 401,
  Forbidden: 403,
  AccountNotFound: 404,
  MailboxNotFound: 404,
  MessageNotFound: 404,
  RouteNotFound: 404,
  TokenNotFound: 404,
  OAuth2AppNotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  PayloadTooLarge: 413,
  UriTooLong: 414,
  UnsupportedMediaType: 415,
  UpgradeRequired: 426,
  TooManyRequests: 429,
  HeadersTooLarge: 431,
  Internal: 500,
  UpstreamRejected: 502,
  NotConnected: 503,
  ShardUnavailable: 503,
  ShuttingDown: 503,
  WebhooksUnavailable: 503,
  DeadlineExceeded: 504,
} as const;

export type ErrorCode = keyof typeof CODES;

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 302: 'Found',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 426: 'Upgrade Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** Reason phrase for an HTTP status. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

export interface FieldProblem { field: string; reason: string }
export type ErrorDetails = FieldProblem[] | Record<string, string | number | boolean>;

/** The form an error takes on a MessagePort and in HTTP bodies. */
export interface WireError {
  code: ErrorCode;
  message: string;
  status: number;
  details?: ErrorDetails;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    // an API error is an answer, not a bug: no stack to capture (it cost a 400 more than the
    // rest of the request), except for Internal, the one code that is a bug
    const limit = Error.stackTraceLimit;
    if (code !== 'Internal') Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = code;
    this.code = code;
    this.status = CODES[code];
    this.details = details;
  }
}

/** 400 with the failing fields. */
export function validationError(problems: FieldProblem[], message = 'Invalid input'): ApiError {
  return new ApiError('ValidationError', message, problems);
}

export function messageNotFound(id: string): ApiError {
  return new ApiError('MessageNotFound', `Message "${id}" does not exist (deleted or moved)`, { id });
}

export function accountNotFound(account: string): ApiError {
  return new ApiError('AccountNotFound', `Account "${account}" does not exist`, { account });
}

/** 401: no token, an unknown one or an expired one. */
export function unauthorized(message: string): ApiError {
  return new ApiError('Unauthorized', message);
}

/** 403: a valid token that may not do this (scope or account). */
export function forbidden(message: string, details: Record<string, string>): ApiError {
  return new ApiError('Forbidden', message, details);
}

/** 429 with the seconds to wait (sent as Retry-After). */
export function tooManyRequests(message: string, retryAfter: number): ApiError {
  return new ApiError('TooManyRequests', `${message}; try again in ${retryAfter} s`, { retryAfter });
}

export function noSmtpSettings(account: string): ApiError {
  return new ApiError('Conflict', `Account "${account}" has no SMTP settings; add them with PUT /v1/account/${account}`, { account });
}

export function toWire(err: unknown): WireError {
  if (err instanceof ApiError) {
    const wire: WireError = { code: err.code, message: err.message, status: err.status };
    if (err.details !== undefined) wire.details = err.details;
    return wire;
  }
  // Unknown throws never carry their text out: it may hold internals (paths, settings).
  return { code: 'Internal', message: 'Internal server error', status: 500 };
}

export function fromWire(wire: WireError): ApiError {
  const code: ErrorCode = wire.code in CODES ? wire.code : 'Internal';
  return new ApiError(code, wire.message, wire.details);
}
