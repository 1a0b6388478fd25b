// Comma-separated values (RFC 4180 style): rows of fields, quoted fields may hold commas, quotes
// (doubled) and line breaks. Every row ends with a line break.
grammar csv;

file
   : row+ EOF
   ;

row
   : field (',' field)* EOL
   ;

field
   : TEXT
   | QUOTED
   |
   ;

EOL
   : '\r'? '\n'
   ;

TEXT
   : ~[,"\r\n]+
   ;

QUOTED
   : '"' ('""' | ~'"')* '"'
   ;
