/**
 * The Elasticsearch 8.19 side of the API differences between the lines this plugin is built for. Every class here has
 * a twin with the same name and members in {@code src/es9/java}; shared code uses only these classes where the lines
 * differ, so each line's build picks its own directory and nothing else changes.
 */
package org.latentbridge.plugin.compat;
