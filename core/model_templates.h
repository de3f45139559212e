/* A model trained on raw logs keeps its keys' templates beside it (m.safetensors:
 * m.templates.csv, loghub's EventId,EventTemplate,Occurrences), so that a raw log scored with it
 * is mined from those templates first (frozen, as --templates loads them): a line of a known kind
 * gets the key the model learned even where mining the new log alone would have generalised its
 * template differently. --templates given on the command line wins. */
#ifndef TRACEAID_MODEL_TEMPLATES_H
#define TRACEAID_MODEL_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>

#include "../io/trace_set.h"

/* The model's path less a final ".safetensors", then ".templates.csv". False when it does not
 * fit in size. */
bool model_templates_path(const char *model_path, char *out, size_t size);

/* Writes the templates of the keys the set's raw logs use (their meanings), with how often each
 * occurs there, to path through a temporary file. *wrote says whether there were any: a set of
 * no raw log writes nothing. */
bool model_templates_save(const TraceSet *set, const char *path, bool *wrote, Error *err);

/* Is there a templates file beside the model at model_path? path (size bytes) gets its name. */
bool model_templates_beside(const char *model_path, char *path, size_t size);
/* opt reads raw logs with the templates beside the model unless it names some: path (size
 * bytes, living as long as opt is used) holds the name. */
void model_templates_apply(const char *model_path, TraceOptions *opt, char *path, size_t size);

/* A model written from another (update -o NEW): the templates beside the first copied beside
 * the second, when it has some and the two are different files. *copied says whether it did. */
bool model_templates_copy(const char *from_model, const char *to_model, bool *copied, Error *err);

#endif
