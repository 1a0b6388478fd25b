package dev.sieve.grammars;

/** A parser rule: a name and an expression over rules and lexemes. */
public record Rule(String name, Expr body) {}
