// Preloaded by ctest's js_unit_portable (node --import ./test/portable.mjs --test test/unit/):
// takes away what Node 20 has and Node 18 or a browser may not, so that the
// unit suite runs the portable paths: String.prototype.isWellFormed (Node 20,
// Chrome 111) and Node's Buffer encoders (Node only).
delete String.prototype.isWellFormed;
Buffer.prototype.swap16 = undefined;
