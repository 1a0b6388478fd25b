package dev.sieve.grammars.template;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The relations of closed information extraction with the entity types each one relates, as a knowledge
 * base's schema gives them: a relation's <b>domain</b> is the types its subject may have, its <b>range</b> the
 * types its object may have ({@code born in}: a person, then a city, country or region). Fixed for a task;
 * what varies per input is the entities and their types. Immutable.
 *
 * @param relations the relations, in the order the grammar lists them; names distinct
 */
public record RelationSchema(List<Relation> relations) {
  /**
   * One relation: its name as the output writes it, and the subject and object types it allows.
   *
   * @param name the relation's text, e.g. {@code born in}; not empty
   * @param domain the types of its subjects; not empty
   * @param range the types of its objects; not empty
   */
  public record Relation(String name, Set<String> domain, Set<String> range) {
    public Relation {
      if (name.isEmpty() || domain.isEmpty() || range.isEmpty()) {
        throw new IllegalArgumentException("a relation needs a name, a domain and a range: " + name + " " + domain + " " + range);
      }
      // Sorted copies: the schema's content, not the caller's set order, decides what the grammar looks like.
      // (Set.copyOf would not do: its iteration order changes from one JVM run to the next.)
      domain = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(domain));
      range = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(range));
    }

    /** Whether a subject of this type and an object of that type are well-typed for this relation. */
    public boolean allows(String subjectType, String objectType) {
      return domain.contains(subjectType) && range.contains(objectType);
    }
  }

  public RelationSchema {
    relations = List.copyOf(relations);
    if (relations.isEmpty()) {
      throw new IllegalArgumentException("a relation schema needs at least one relation");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Relation r : relations) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("relation '" + r.name() + "' is in the schema twice");
      }
    }
  }

  /** The relations' names, in order. */
  public List<String> names() {
    return relations.stream().map(Relation::name).toList();
  }

  /** The relation of that name, or {@code null}. */
  public Relation relation(String name) {
    for (Relation r : relations) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /** Whether {@code subjectType relation objectType} is well-typed; false for a relation outside the schema. */
  public boolean allows(String subjectType, String relation, String objectType) {
    Relation r = relation(relation);
    return r != null && r.allows(subjectType, objectType);
  }
}
