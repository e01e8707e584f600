// Starts Pairline (`npm start`, the Docker image, PM2). Plain JavaScript on purpose: Node's compile
// cache must be on before the first TypeScript file is read, so that later starts take the sources
// already type-stripped from the cache and never load the stripper (about 18 MB of RSS, and time).
import module from "node:module";

module.enableCompileCache?.();
const { main } = await import("./server.ts");
await main();
