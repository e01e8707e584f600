import type { NextFunction, Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { Errors, type FieldError } from "../errors/index.ts";

export interface RequestSchemas<B, Q, P> {
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
}

export interface ValidRequest<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

function fieldErrors(location: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: [location, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, location: string, errors: FieldError[]): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  errors.push(...fieldErrors(location, result.error));
  return undefined as T;
}

/**
 * Wraps a route handler so that it only ever sees a body, query and params that
 * passed their zod schemas; anything else is a 400 listing every failing field.
 */
export function validated<B = undefined, Q = undefined, P = undefined>(
  schemas: RequestSchemas<B, Q, P>,
  handler: (input: ValidRequest<B, Q, P>) => Promise<void> | void,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const errors: FieldError[] = [];
    const body = parsePart(schemas.body, req.body ?? {}, "body", errors);
    const query = parsePart(schemas.query, req.query, "query", errors);
    const params = parsePart(schemas.params, req.params, "params", errors);
    if (errors.length > 0) return next(Errors.validation(errors));
    try {
      await handler({ body, query, params, req, res });
    } catch (error) {
      next(error);
    }
  };
}
