/**
 * The Elasticsearch 9.x side of the API differences between the lines this plugin is built for. Every class here has a
 * twin with the same name and members in {@code src/es8/java}, written against 8.19; shared code uses only these
 * classes where the lines differ, so each line's build picks its own directory and nothing else changes.
 */
package org.latentbridge.plugin.compat;
