; inherits: javascript
; TypeScript imports have the same shape as JavaScript's (`import type` included).
