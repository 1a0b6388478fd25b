// A SQL query grammar: SELECT statements (joins, subqueries, grouping, set operations, common table
// expressions, window functions), written for Sieve. Keywords are case-insensitive.
grammar sql;

options { caseInsensitive = true; }

statements
   : statement (';' statement)* ';'? EOF
   ;

statement
   : withClause? select (setOperator select)* orderBy? limit?
   ;

withClause
   : WITH RECURSIVE? cte (',' cte)*
   ;

cte
   : identifier ('(' identifier (',' identifier)* ')')? AS '(' statement ')'
   ;

setOperator
   : UNION ALL?
   | INTERSECT
   | EXCEPT
   ;

select
   : SELECT (DISTINCT | ALL)? selectItem (',' selectItem)* fromClause? whereClause? groupBy? having?
   | '(' statement ')'
   ;

selectItem
   : '*'
   | identifier '.' '*'
   | expr (AS? identifier)?
   ;

fromClause
   : FROM tableRef (',' tableRef)*
   ;

tableRef
   : tablePrimary (join)*
   ;

tablePrimary
   : qualifiedName (AS? identifier)?
   | '(' statement ')' AS? identifier
   | '(' tableRef ')'
   ;

join
   : joinType? JOIN tablePrimary (ON expr | USING '(' identifier (',' identifier)* ')')?
   | CROSS JOIN tablePrimary
   | NATURAL joinType? JOIN tablePrimary
   ;

joinType
   : INNER
   | LEFT OUTER?
   | RIGHT OUTER?
   | FULL OUTER?
   ;

whereClause
   : WHERE expr
   ;

groupBy
   : GROUP BY expr (',' expr)*
   ;

having
   : HAVING expr
   ;

orderBy
   : ORDER BY orderItem (',' orderItem)*
   ;

orderItem
   : expr (ASC | DESC)? (NULLS (FIRST | LAST))?
   ;

limit
   : LIMIT expr (OFFSET expr | ',' expr)?
   | OFFSET expr ROWS? (FETCH (FIRST | NEXT) expr ROWS? ONLY)?
   ;

expr
   : literal
   | qualifiedName
   | '?'
   | PARAMETER
   | functionCall
   | '(' expr ')'
   | '(' statement ')'
   | CASE expr? (WHEN expr THEN expr)+ (ELSE expr)? END
   | CAST '(' expr AS typeName ')'
   | EXISTS '(' statement ')'
   | ('-' | '+' | '~') expr
   | expr '||' expr
   | expr ('*' | '/' | '%') expr
   | expr ('+' | '-') expr
   | expr ('<' | '<=' | '>' | '>=' | '=' | '==' | '<>' | '!=') expr
   | expr IS NOT? (NULL | TRUE | FALSE | expr)
   | expr NOT? (LIKE | ILIKE) expr (ESCAPE expr)?
   | expr NOT? BETWEEN expr AND expr
   | expr NOT? IN '(' (statement | expr (',' expr)*)? ')'
   | NOT expr
   | expr AND expr
   | expr OR expr
   ;

functionCall
   : identifier '(' (DISTINCT? expr (',' expr)* | '*')? ')' filter? over?
   ;

filter
   : FILTER '(' WHERE expr ')'
   ;

over
   : OVER (identifier | '(' (PARTITION BY expr (',' expr)*)? orderBy? frame? ')')
   ;

frame
   : (ROWS | RANGE) (frameBound | BETWEEN frameBound AND frameBound)
   ;

frameBound
   : UNBOUNDED (PRECEDING | FOLLOWING)
   | CURRENT ROW
   | expr (PRECEDING | FOLLOWING)
   ;

typeName
   : identifier ('(' NUMBER (',' NUMBER)? ')')?
   ;

qualifiedName
   : identifier ('.' identifier)*
   ;

identifier
   : IDENTIFIER
   | QUOTED_IDENTIFIER
   | nonReserved
   ;

nonReserved
   : FIRST | LAST | NEXT | ROW | ROWS | RANGE | FILTER | OVER | PARTITION | PRECEDING | FOLLOWING
   | CURRENT | UNBOUNDED | NULLS | ESCAPE | RECURSIVE | OFFSET | FETCH | ONLY
   ;

literal
   : NUMBER
   | STRING
   | NULL
   | TRUE
   | FALSE
   | CURRENT_DATE
   | CURRENT_TIME
   | CURRENT_TIMESTAMP
   ;

ALL: 'ALL';
AND: 'AND';
AS: 'AS';
ASC: 'ASC';
BETWEEN: 'BETWEEN';
BY: 'BY';
CASE: 'CASE';
CAST: 'CAST';
CROSS: 'CROSS';
CURRENT: 'CURRENT';
CURRENT_DATE: 'CURRENT_DATE';
CURRENT_TIME: 'CURRENT_TIME';
CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP';
DESC: 'DESC';
DISTINCT: 'DISTINCT';
ELSE: 'ELSE';
END: 'END';
ESCAPE: 'ESCAPE';
EXCEPT: 'EXCEPT';
EXISTS: 'EXISTS';
FALSE: 'FALSE';
FETCH: 'FETCH';
FILTER: 'FILTER';
FIRST: 'FIRST';
FOLLOWING: 'FOLLOWING';
FROM: 'FROM';
FULL: 'FULL';
GROUP: 'GROUP';
HAVING: 'HAVING';
ILIKE: 'ILIKE';
IN: 'IN';
INNER: 'INNER';
INTERSECT: 'INTERSECT';
IS: 'IS';
JOIN: 'JOIN';
LAST: 'LAST';
LEFT: 'LEFT';
LIKE: 'LIKE';
LIMIT: 'LIMIT';
NATURAL: 'NATURAL';
NEXT: 'NEXT';
NOT: 'NOT';
NULL: 'NULL';
NULLS: 'NULLS';
OFFSET: 'OFFSET';
ON: 'ON';
ONLY: 'ONLY';
OR: 'OR';
ORDER: 'ORDER';
OUTER: 'OUTER';
OVER: 'OVER';
PARTITION: 'PARTITION';
PRECEDING: 'PRECEDING';
RANGE: 'RANGE';
RECURSIVE: 'RECURSIVE';
RIGHT: 'RIGHT';
ROW: 'ROW';
ROWS: 'ROWS';
SELECT: 'SELECT';
THEN: 'THEN';
TRUE: 'TRUE';
UNBOUNDED: 'UNBOUNDED';
UNION: 'UNION';
USING: 'USING';
WHEN: 'WHEN';
WHERE: 'WHERE';
WITH: 'WITH';

NUMBER
   : [0-9]+ ('.' [0-9]*)? ('E' [+-]? [0-9]+)?
   | '.' [0-9]+ ('E' [+-]? [0-9]+)?
   ;

STRING
   : '\'' ( ~'\'' | '\'\'')* '\''
   ;

IDENTIFIER
   : [A-Z_] [A-Z_0-9$]*
   ;

QUOTED_IDENTIFIER
   : '"' (~'"' | '""')* '"'
   | '`' ~'`'* '`'
   ;

PARAMETER
   : [:@$] [A-Z_0-9]+
   ;

LINE_COMMENT
   : '--' ~[\r\n]* -> channel(HIDDEN)
   ;

BLOCK_COMMENT
   : '/*' .*? '*/' -> channel(HIDDEN)
   ;

WS
   : [ \t\r\n]+ -> channel(HIDDEN)
   ;
