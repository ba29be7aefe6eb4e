package org.latentbridge.plugin.compat;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.TransportAction;

/** A transport action and its implementation, as {@link LinePlugin} registers them. */
public record TransportActionSpec(ActionType<?> type, Class<? extends TransportAction<?, ?>> transportClass) {}
