; `import a`, `import a.b` (binds `a`), `import a as b`.
(import_statement name: (dotted_name) @import.name) @import
(import_statement name: (aliased_import alias: (identifier) @import.name)) @import

; `from m import a, b as c` (`module_name` is not a binding: only `name:` fields are).
(import_from_statement name: (dotted_name) @import.name) @import
(import_from_statement name: (aliased_import alias: (identifier) @import.name)) @import
