"""Exchange formats: one module per format, each a reader and/or writer over
domain objects (`AnnotatedDocument`). Nothing here touches the database."""
