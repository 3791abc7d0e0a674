/* sha256.c - SHA-256 digests through OpenSSL's EVP interface; see sha256.h.
 *
 * Only hashing: no other cryptography, and nothing here reads files. */
#include "sha256.h"

#include <string.h>

#include <openssl/evp.h>

#define SHA256_HEX_LEN 64

int sha256_init(struct sha256 *hash, struct oci_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    hash->md_ctx = ctx;
    if (ctx == NULL)
        return oci_fail(err, "out of memory");
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        sha256_free(hash);
        return oci_fail(err, "cannot initialise SHA-256");
    }
    return 0;
}

int sha256_update(struct sha256 *hash, const void *data, size_t len,
                  struct oci_error *err)
{
    if (len > 0 && EVP_DigestUpdate(hash->md_ctx, data, len) != 1)
        return oci_fail(err, "SHA-256 update failed");
    return 0;
}

static void to_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    out[2 * len] = '\0';
}

int sha256_final(struct sha256 *hash, char *out, struct oci_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int ok = EVP_DigestFinal_ex(hash->md_ctx, md, &md_len) == 1 &&
             md_len * 2 == SHA256_HEX_LEN;

    sha256_free(hash);
    if (!ok)
        return oci_fail(err, "SHA-256 final failed");
    memcpy(out, OCI_DIGEST_PREFIX, strlen(OCI_DIGEST_PREFIX));
    to_hex(md, md_len, out + strlen(OCI_DIGEST_PREFIX));
    return 0;
}

void sha256_free(struct sha256 *hash)
{
    EVP_MD_CTX_free(hash->md_ctx);
    hash->md_ctx = NULL;
}

int sha256_of(const void *data, size_t len, char *out, struct oci_error *err)
{
    struct sha256 hash;

    if (sha256_init(&hash, err) != 0)
        return -1;
    if (sha256_update(&hash, data, len, err) != 0) {
        sha256_free(&hash);
        return -1;
    }
    return sha256_final(&hash, out, err);
}

int sha256_is_digest(const char *text)
{
    size_t prefix = strlen(OCI_DIGEST_PREFIX);

    if (strncmp(text, OCI_DIGEST_PREFIX, prefix) != 0 ||
        strlen(text) != OCI_DIGEST_LEN)
        return 0;
    for (const char *p = text + prefix; *p != '\0'; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    }
    return 1;
}

const char *sha256_hex(const char *digest)
{
    return digest + strlen(OCI_DIGEST_PREFIX);
}
