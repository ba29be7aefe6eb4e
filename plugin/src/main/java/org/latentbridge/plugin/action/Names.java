package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionRequestValidationException;
import org.latentbridge.plugin.store.ModelRecord;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/** Model and role names in a request's {@code validate()}: {@link ModelRecord#checkName}'s rule, collected, not thrown. */
public final class Names {
    private Names() {}

    public static ActionRequestValidationException check(String field, String name, ActionRequestValidationException e) {
        try {
            ModelRecord.checkName(field, name);
            return e;
        } catch (IllegalArgumentException invalid) {
            return addValidationError(invalid.getMessage(), e);
        }
    }
}
