// Typed closed information extraction: at most two triples over the entities Barack Obama (person),
// Michelle Obama (person), Honolulu (city), Hawaii (region) and Harvard (university), under the schema
//   born in: person -> city, region        married to: person -> person
//   located in: city, region, university -> city, region
//   works for: person -> university        directed: person -> film (no film here)
// Written by hand, word by word: one alternative per subject and relation, its well-typed objects other
// than the subject.
grammar cieTyped;

triples : triple (SP triple)? EOF ;
triple : '[s]' SP pair SP '[e]' ;
pair
  : barack SP bornIn SP (honolulu | hawaii)
  | barack SP marriedTo SP michelle
  | barack SP worksFor SP harvard
  | michelle SP bornIn SP (honolulu | hawaii)
  | michelle SP marriedTo SP barack
  | michelle SP worksFor SP harvard
  | honolulu SP locatedIn SP hawaii
  | hawaii SP locatedIn SP honolulu
  | harvard SP locatedIn SP (honolulu | hawaii)
  ;
bornIn : '[r]' SP 'born' SP 'in' SP '[o]' ;
marriedTo : '[r]' SP 'married' SP 'to' SP '[o]' ;
locatedIn : '[r]' SP 'located' SP 'in' SP '[o]' ;
worksFor : '[r]' SP 'works' SP 'for' SP '[o]' ;
barack : 'Barack' SP 'Obama' ;
michelle : 'Michelle' SP 'Obama' ;
honolulu : 'Honolulu' ;
hawaii : 'Hawaii' ;
harvard : 'Harvard' ;

SP : ' ' ;
