/**
 * The knowledge base: sections and articles from {@code messages/kb/*.yml} per language and segment, browsed in an
 * inline menu with Back, searched with {@code /kb <words>}.
 */
package io.partnerka.knowledge;
