/** Dependencies point one way, from the entry point down to the base: no folder of src/ or rooms/ may reach back. */
module.exports = {
  forbidden: [
    {
      name: "no-folder-cycle",
      comment: "A folder of src/ or rooms/ that imports another must not be imported back by it, directly or through others.",
      severity: "error",
      scope: "folder",
      from: { path: "^(src|rooms)" },
      to: { circular: true },
    },
    {
      name: "no-module-cycle",
      comment: "No module of src/ or rooms/ reaches itself through its imports.",
      severity: "error",
      from: { path: "^(src|rooms)" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
