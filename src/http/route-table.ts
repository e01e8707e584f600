import type { Express, Request } from "express";

/** One route the app answers: an upper-case method and its Express path pattern (`/api/users/:id/block`). */
export interface RouteEntry {
  method: string;
  path: string;
}

interface RouteLike {
  path: string | string[];
  methods: Record<string, boolean | undefined>;
}
interface LayerLike {
  rawPath?: unknown;
  route?: RouteLike;
  handle: { stack?: LayerLike[] };
}

function join(base: string, rawPath: unknown): string | null {
  if (typeof rawPath !== "string") return null;
  const joined = `${base}${rawPath === "/" ? "" : rawPath}`;
  return joined === "" ? "/" : joined;
}

function walk(stack: LayerLike[], base: string, visit: (route: RouteLike, path: string) => void): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        const full = join(base, p);
        if (full) visit(layer.route, full);
      }
    } else if (layer.handle.stack) {
      const mount = join(base, layer.rawPath ?? "/");
      if (mount !== null) walk(layer.handle.stack, mount === "/" ? "" : mount, visit);
    }
  }
}

function stackOf(app: Express): LayerLike[] {
  return (app as unknown as { router: { stack: LayerLike[] } }).router.stack;
}

/** Every route registered on the app, with mount paths resolved (routes under RegExp mounts are left out). */
export function listRoutes(app: Express): RouteEntry[] {
  const routes: RouteEntry[] = [];
  walk(stackOf(app), "", (route, path) => {
    for (const [method, on] of Object.entries(route.methods)) {
      if (on && method !== "_all") routes.push({ method: method.toUpperCase(), path });
    }
  });
  return routes;
}

/**
 * Resolves the pattern of the route that answered a request (`/api/users/:id/block`,
 * never the raw path), so that metrics and logs stay low-cardinality.
 */
export function createRoutePatterns(app: Express): (req: Request) => string | undefined {
  let patterns: WeakMap<object, string> | undefined;
  const build = () => {
    const map = new WeakMap<object, string>();
    walk(stackOf(app), "", (route, path) => {
      if (!map.has(route)) map.set(route, path);
    });
    return map;
  };
  return (req) => {
    const route = (req as { route?: object }).route;
    if (!route) return undefined;
    patterns ??= build();
    if (!patterns.has(route)) patterns = build();
    return patterns.get(route);
  };
}
