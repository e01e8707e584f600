import { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ResponseDoc {
  description: string;
  /** The schema of `data` in the success envelope; omitted for an envelope without data. */
  data?: z.ZodType;
  /** A body that is not the JSON envelope (Prometheus text, HTML). */
  raw?: { contentType: string };
}

/**
 * How one route is documented. Each feature keeps a list of these next to its
 * routes, built from the zod schemas the routes validate with; the app adds the
 * lists to its document, and a test fails when a route has none.
 */
export interface RouteDoc {
  method: HttpMethod;
  /** The Express pattern, e.g. `/api/users/:id/block`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it: a user JWT, the admin (Basic), or the metrics token (optional Bearer). */
  auth?: "user" | "admin" | "metrics";
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Counted by a rate limit (documents the 429). */
  rateLimited?: boolean;
  responses: Record<number, ResponseDoc>;
}

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** `/api/users/:id` → `/api/users/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, "{$1}");
}

const errorEnvelope = z.object({
  success: z.literal(false),
  message: z.string(),
  code: z.string().meta({ description: "A stable code from the error catalogue, e.g. VALIDATION_FAILED" }),
  errors: z.array(z.unknown()).optional().meta({ description: "Details, e.g. the failing fields `{ field, message }`" }),
});

function successEnvelope(data: z.ZodType | undefined): z.ZodType {
  return z.object({
    success: z.literal(true),
    message: z.string().optional(),
    ...(data ? { data } : {}),
  });
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ERROR_REF } },
});

const SECURITY: Record<NonNullable<RouteDoc["auth"]>, Record<string, string[]>[]> = {
  user: [{ bearerAuth: [] }],
  admin: [{ adminBasic: [] }],
  metrics: [{ metricsToken: [] }, {}],
};

function parametersOf(location: "query" | "path", schema: z.ZodType | undefined, expressPath: string) {
  const declared = schema ? jsonSchema(schema, "input") : { properties: {}, required: [] };
  const properties = (declared.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((declared.required ?? []) as string[]);
  if (location === "path") {
    for (const [, name] of expressPath.matchAll(/:(\w+)/g)) {
      properties[name!] ??= { type: "string" };
      required.add(name!);
    }
  }
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: required.has(name),
    schema: property,
  }));
}

function operation(route: RouteDoc) {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const content = response.raw
      ? { [response.raw.contentType]: { schema: { type: "string" } } }
      : { "application/json": { schema: jsonSchema(successEnvelope(response.data), "output") } };
    responses[status] = { description: response.description, content };
  }
  if (route.body || route.query || route.params) responses["400"] ??= errorResponse("Invalid request (VALIDATION_FAILED)");
  if (route.auth) responses["401"] ??= errorResponse("Missing or invalid credentials (UNAUTHORIZED)");
  if (route.rateLimited) responses["429"] ??= errorResponse("Rate limit exceeded (RATE_LIMITED); see the RateLimit headers");
  responses.default = errorResponse("Any other error, in the error envelope");

  const parameters = [...parametersOf("path", route.params, route.path), ...parametersOf("query", route.query, route.path)];
  return {
    operationId: `${route.method.toLowerCase()}${toOpenApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.auth ? { security: SECURITY[route.auth] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } } }
      : {}),
    responses,
  };
}

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** The OpenAPI 3.1 document of the given routes. */
export function openApiDocument(routes: readonly RouteDoc[], info: ApiInfo) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const method = route.method.toLowerCase();
    paths[path] ??= {};
    if (paths[path][method]) throw new Error(`${route.method} ${route.path} is documented twice`);
    paths[path][method] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Error: jsonSchema(errorEnvelope, "output") },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The token from register, login or guest" },
        adminBasic: { type: "http", scheme: "basic", description: "ADMIN_USER / ADMIN_PASSWORD" },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, when the server sets one" },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
