package io.countersign.docs.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import java.math.BigDecimal;

// docs/executors.md, example 2 (ExecutorExamplesTest checks that the page shows exactly this and runs it)
// doc:begin
/** The payment service's entry for transfers an agent had approved: the body is the approved payload. */
public final class GuardedTransfers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReleaseVerifier verifier;      // pinned issuer: new ReleaseVerifier(jwks).withIssuer("countersign")
    private final CountersignRedeemer countersign;
    private final Ledger ledger;

    public GuardedTransfers(ReleaseVerifier verifier, CountersignRedeemer countersign, Ledger ledger) {
        this.verifier = verifier;
        this.countersign = countersign;
        this.ledger = ledger;
    }

    /** Executes the transfer in {@code body} if {@code token} releases exactly these bytes; returns the ledger's id. */
    public String transfer(String token, byte[] body) throws Exception {
        ReleaseVerification v = verifier.verify(token, body, "payment-service");
        if (!v.ok()) {
            throw new RefusedException(v.failure() + ": " + v.message());
        }
        if (!"payment.transfer".equals(v.claims().actionType())) {
            throw new RefusedException("not a payment release: " + v.claims().actionType());
        }
        countersign.redeem(v.claims().jti(), token);        // throws unless 200: a release pays once
        Transfer t = JSON.readValue(body, Transfer.class);  // the same bytes that were verified
        return ledger.execute(t, "countersign:" + v.claims().requestId());   // idempotency key = request id
    }

    /** The payment.transfer payload; the amount is a decimal string such as "12500.00" (docs/api.md). */
    public record Transfer(BigDecimal amount, String currency, Beneficiary beneficiary, String reference) {
    }

    public record Beneficiary(String name, String iban, String account, String bic) {
    }

    /** Where money moves. */
    public interface Ledger {
        String execute(Transfer transfer, String idempotencyKey);
    }

    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }
    }
}
// doc:end
