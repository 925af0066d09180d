package io.countersign.release;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Object;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * EC P-256 keys from PEM text, read with Bouncy Castle's PEM and ASN.1 classes: PKCS#8
 * {@code PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY} and SPKI {@code PUBLIC KEY} blocks. The
 * public half of a private key is the one the file carries, or else computed from the private
 * scalar; {@link ReleaseKeyMaterial} checks that the two agree before a key is used.
 */
final class PemKeys {

    private static final X9ECParameters P256 = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1);
    private static final int FIELD_BITS = 256;

    private PemKeys() {
    }

    /**
     * The key of a file with one private key (other public blocks beside it are ignored), or
     * else one verify-only key per {@code PUBLIC KEY} block.
     */
    static List<ECKey> read(String text) {
        List<ECKey> privates = new ArrayList<>();
        List<ECKey> publics = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(text))) {
            for (PemObject block = next(reader); block != null; block = next(reader)) {
                switch (block.getType()) {
                    case "PRIVATE KEY" -> privates.add(pkcs8(block.getContent()));
                    case "EC PRIVATE KEY" -> privates.add(sec1(block));
                    case "PUBLIC KEY" -> publics.add(spki(block.getContent()));
                    case "ENCRYPTED PRIVATE KEY" -> throw encrypted();
                    default -> throw new IllegalArgumentException("unsupported PEM block " + block.getType());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed PEM: " + e.getMessage());
        }
        if (privates.size() > 1) {
            throw new IllegalArgumentException("a PEM key file must hold one private key");
        }
        return privates.isEmpty() ? publics : privates;
    }

    /** The key pair of private scalar {@code d}: its public point is d·G on P-256. */
    static ECKey fromPrivate(BigInteger d) {
        if (d.signum() <= 0 || d.compareTo(P256.getN()) >= 0) {
            throw new IllegalArgumentException("EC private scalar out of range");
        }
        return key(new FixedPointCombMultiplier().multiply(P256.getG(), d), d);
    }

    private static PemObject next(PemReader reader) throws IOException {
        try {
            return reader.readPemObject();
        } catch (RuntimeException e) {
            // Bouncy Castle's base64 decoder reports bad input unchecked.
            throw new IOException("a PEM block is not base64 (" + e.getMessage() + ")", e);
        }
    }

    /** PrivateKeyInfo (RFC 5208) whose algorithm is EC on P-256, wrapping a SEC1 key. */
    private static ECKey pkcs8(byte[] der) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new IllegalArgumentException("PRIVATE KEY is not a PKCS#8 structure");
        }
        AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())) {
            throw new IllegalArgumentException("PRIVATE KEY is not an EC key (only ES256 / P-256 is supported)");
        }
        if (!isP256(alg.getParameters())) {
            throw new IllegalArgumentException("PRIVATE KEY is not on curve P-256");
        }
        try {
            return privateKey(info.parsePrivateKey(), "PRIVATE KEY");
        } catch (IOException e) {
            throw new IllegalArgumentException("PRIVATE KEY does not wrap a SEC1 key");
        }
    }

    /** A SEC1 block, unless it is OpenSSL's legacy encrypted form (a Proc-Type header). */
    private static ECKey sec1(PemObject block) {
        for (Object header : block.getHeaders()) {
            if (header instanceof PemHeader h && "Proc-Type".equals(h.getName()) && h.getValue().contains("ENCRYPTED")) {
                throw encrypted();
            }
        }
        return privateKey(block.getContent(), "EC PRIVATE KEY");
    }

    /** RFC 5915 ECPrivateKey: the private scalar, an optional curve, an optional public point. */
    private static ECKey privateKey(Object sec1Der, String block) {
        BigInteger d;
        ASN1Object curve;
        ASN1BitString embedded;
        try {
            ECPrivateKey sec1 = ECPrivateKey.getInstance(sec1Der);
            d = sec1.getKey();
            curve = sec1.getParametersObject();
            embedded = sec1.getPublicKey();
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(block + " is not a SEC1 structure");
        }
        if (curve != null && !isP256(curve)) {
            throw new IllegalArgumentException(block + " is not on curve P-256");
        }
        return embedded == null ? fromPrivate(d) : key(point(embedded), d);
    }

    private static ECKey spki(byte[] der) {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(der);
            AlgorithmIdentifier alg = info.getAlgorithm();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm()) && isP256(alg.getParameters())) {
                return key(point(info.getPublicKeyData()), null);
            }
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            // not SPKI, or its point is not on P-256: reported below
        }
        throw new IllegalArgumentException("PUBLIC KEY is not an EC P-256 key");
    }

    private static boolean isP256(ASN1Encodable curve) {
        return curve != null && SECObjectIdentifiers.secp256r1.equals(curve.toASN1Primitive());
    }

    /** Decodes (and so validates) a point on P-256, compressed or not. */
    private static ECPoint point(ASN1BitString bits) {
        try {
            return P256.getCurve().decodePoint(bits.getOctets());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("EC public point is not a point on P-256");
        }
    }

    private static ECKey key(ECPoint q, BigInteger d) {
        ECPoint affine = q.normalize();
        ECKey.Builder key = new ECKey.Builder(Curve.P_256, coordinate(affine.getAffineXCoord().toBigInteger()),
                coordinate(affine.getAffineYCoord().toBigInteger()));
        return (d == null ? key : key.d(coordinate(d))).build();
    }

    private static Base64URL coordinate(BigInteger value) {
        return ECKey.encodeCoordinate(FIELD_BITS, value);
    }

    private static IllegalArgumentException encrypted() {
        return new IllegalArgumentException("encrypted PEM keys are not supported; store the key unencrypted in a secret"
                + " (openssl pkcs8 -topk8 -nocrypt)");
    }
}
