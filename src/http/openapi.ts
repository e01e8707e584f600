import { z } from "zod";
import type { RouteDoc } from "../http-kit/route-doc.ts";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from "zod-openapi";

/** `/api/users/:id` → `/api/users/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, "{$1}");
}

const errorEnvelope = z
  .object({
    success: z.literal(false),
    message: z.string(),
    code: z.string().meta({ description: "A stable code from the error catalogue, e.g. VALIDATION_FAILED" }),
    errors: z.array(z.unknown()).optional().meta({ description: "Details, e.g. the failing fields `{ field, message }`" }),
  })
  .meta({ id: "Error", description: "Every error answer: `success: false`, a message and a stable code" });

function successEnvelope(data: z.ZodType | undefined): z.ZodType {
  return z.object({
    success: z.literal(true),
    message: z.string().optional(),
    ...(data ? { data } : {}),
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorEnvelope } },
});

/** The error answers many routes share, as components. */
const SHARED_ERRORS = {
  400: { id: "ValidationFailed", ...errorResponse("Invalid request (VALIDATION_FAILED); `errors` names the fields") },
  401: { id: "Unauthorized", ...errorResponse("Missing or invalid credentials (UNAUTHORIZED)") },
  429: {
    id: "RateLimited",
    ...errorResponse("Rate limit exceeded (RATE_LIMITED)"),
    headers: z.object({
      "Retry-After": z.string().meta({ description: "Seconds until the window resets" }),
      RateLimit: z.string().meta({ description: "IETF draft-8 `RateLimit`: the remaining quota and when it resets" }),
      "RateLimit-Policy": z.string().meta({ description: "IETF draft-8 `RateLimit-Policy`: the limit and its window" }),
    }),
  },
};

/** What each `RouteDoc.tag` groups. */
const TAGS: Record<string, string> = {
  Accounts: "Register, log in, guest sessions",
  Users: "Who is online or waiting, and service counts",
  Safety: "Blocks and reports",
  Uploads: "Files and voice notes shared in a chat",
  Calls: "WebRTC call set-up",
  Realtime: "Colyseus matchmaking (the WebSocket protocol is in the AsyncAPI document)",
  Operations: "Health, readiness, metrics and these documents",
  Admin: "Moderation, with the admin's Basic credentials",
};

const SECURITY: Record<NonNullable<RouteDoc["auth"]>, Record<string, string[]>[]> = {
  user: [{ bearerAuth: [] }],
  admin: [{ adminBasic: [] }],
  metrics: [{ metricsToken: [] }, {}],
};

/** Path parameters named in the Express pattern, typed by the route's `params` schema when it has one. */
function pathParams(route: RouteDoc): z.ZodObject | undefined {
  const names = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => name!);
  if (names.length === 0) return undefined;
  const declared = route.params instanceof z.ZodObject ? (route.params.shape as Record<string, z.ZodType>) : {};
  return z.object(Object.fromEntries(names.map((name) => [name, declared[name] ?? z.string()])));
}

function operation(route: RouteDoc): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const key = status as `${1 | 2 | 3 | 4 | 5}${string}`;
    if (response.raw) responses[key] = { description: response.description, content: { [response.raw.contentType]: { schema: z.string() } } };
    else if (Number(status) >= 400) responses[key] = errorResponse(response.description);
    else responses[key] = { description: response.description, content: { "application/json": { schema: successEnvelope(response.data) } } };
  }
  if (route.body || route.multipart || route.query || route.params) responses["400"] ??= SHARED_ERRORS[400];
  if (route.auth) responses["401"] ??= SHARED_ERRORS[401];
  if (route.rateLimited) responses["429"] ??= SHARED_ERRORS[429];
  responses.default = errorResponse("Any other error, in the error envelope");

  const path = pathParams(route);
  const body = route.body
    ? { "application/json": { schema: route.body } }
    : route.multipart
      ? { "multipart/form-data": { schema: route.multipart } }
      : undefined;
  return {
    operationId: `${route.method.toLowerCase()}${toOpenApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.auth ? SECURITY[route.auth] : [],
    ...(path || route.query ? { requestParams: { ...(path ? { path } : {}), ...(route.query ? { query: route.query as z.ZodObject } : {}) } } : {}),
    ...(body ? { requestBody: { required: true, content: body } } : {}),
    responses,
  };
}

export type ApiInfo = {
  title: string;
  version: string;
  description?: string;
  license: { name: string; identifier: string };
};

/** The OpenAPI 3.1 document of the given routes, generated from their zod schemas by zod-openapi. */
export function openApiDocument(routes: readonly RouteDoc[], info: ApiInfo) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
    paths[path] ??= {};
    if (paths[path][method]) throw new Error(`${route.method} ${route.path} is documented twice`);
    paths[path][method] = operation(route);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) }));
  return createDocument({
    openapi: "3.1.0",
    info,
    servers: [{ url: "/", description: "The server that serves this document" }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The token from register, login or guest" },
        adminBasic: { type: "http", scheme: "basic", description: "ADMIN_USER / ADMIN_PASSWORD" },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, when the server sets one" },
      },
    },
  });
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
