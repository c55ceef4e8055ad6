; import a from "m"; import * as a from "m"; import { a, b as c } from "m"
(import_statement (import_clause (identifier) @import.name)) @import
(import_statement (import_clause (namespace_import (identifier) @import.name))) @import
(import_statement
  (import_clause
    (named_imports
      (import_specifier name: (identifier) @import.name !alias)))) @import
(import_statement
  (import_clause
    (named_imports
      (import_specifier alias: (identifier) @import.name)))) @import
