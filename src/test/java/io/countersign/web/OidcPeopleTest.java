package io.countersign.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an identity provider's claims become: the id, the name, groups and roles through the maps, and refusals. */
class OidcPeopleTest {

    record Settings(String userIdClaim, String nameClaim, String groupsClaim, Map<String, String> groupMap,
            Map<String, String> roleMap, boolean unmappedGroupsAsIs) implements WebConfig.Oidc {
        @Override
        public String emailClaim() {
            return "email";
        }
    }

    static final Settings COMPANY = new Settings("email", "name", "groups",
            Map.of("grp-dba-prod", "dba", "grp-money", "finance, treasury"),
            Map.of("grp-cs-reviewers", "reviewer", "grp-cs-audit", "auditor,agent"), false);

    static SignedInPerson person(Map<String, Object> claims, WebConfig.Oidc cfg) {
        return OidcPeople.person(claims::get, cfg);
    }

    @Test
    void groupsAndRolesComeThroughTheMapsAndNothingElseCounts() {
        SignedInPerson p = person(Map.of("sub", "00u1", "email", " rita@example.com ", "name", "Rita",
                "groups", List.of("grp-cs-reviewers", "grp-dba-prod", "grp-money", "admin", "dba")), COMPANY);
        assertThat(p.subject()).isEqualTo("rita@example.com");
        assertThat(p.displayName()).isEqualTo("Rita");
        assertThat(p.groups()).isEqualTo(Set.of("dba", "finance", "treasury"));
        // "admin" and "dba" at the provider grant nothing unless mapped
        assertThat(p.roles()).isEqualTo(Set.of("reviewer"));
        assertThat(p.email()).isEqualTo("rita@example.com");
    }

    @Test
    void onlyAVerifiedSingleMailboxBecomesTheAddressNotificationsGoTo() {
        Map<String, Object> claims = new HashMap<>(Map.of("sub", "u1", "email", "rita@example.com", "groups", List.of()));
        Settings bySub = new Settings("sub", "name", "groups", Map.of(), Map.of(), false);
        assertThat(person(claims, bySub).email()).isEqualTo("rita@example.com");
        claims.put("email_verified", true);
        assertThat(person(claims, bySub).email()).isEqualTo("rita@example.com");
        claims.put("email_verified", false);
        assertThat(person(claims, bySub).email()).isNull();
        claims.remove("email_verified");
        for (String bad : new String[] { "rita@example.com, mallory@evil.example", "Rita <rita@example.com>",
                "rita@example.com\r\nBcc: mallory@evil.example", "rita", "rita@localhost", "a@b.c" + "x".repeat(320) }) {
            claims.put("email", bad);
            assertThat(person(claims, bySub).email()).as(bad).isNull();
        }
    }

    @Test
    void aMappedRoleNoPersonCanHoldIsDropped() {
        SignedInPerson p = person(Map.of("email", "a@example.com", "groups", List.of("grp-cs-audit")), COMPANY);
        assertThat(p.roles()).isEqualTo(Set.of("auditor"));
        assertThat(p.isAgent()).isFalse();
    }

    @Test
    void unmappedGroupsCountAsTheyAreOnlyWhenSaid() {
        Settings asIs = new Settings("sub", "name", "groups", Map.of(), Map.of(), true);
        SignedInPerson p = person(Map.of("sub", "u1", "groups", List.of("reviewer", "dba", "agent", "executor")), asIs);
        assertThat(p.roles()).isEqualTo(Set.of("reviewer"));
        assertThat(p.groups()).isEqualTo(Set.of("dba"));
        assertThat(p.displayName()).isEqualTo("u1");
    }

    @Test
    void aRoleMapGrantingARoleNoPersonCanHoldRefusesTheStart() {
        OidcPeople people = new OidcPeople();
        people.config = new WebConfig() {
            public SignIn signIn() {
                return SignIn.OIDC;
            }

            public Oidc oidc() {
                return COMPANY; // maps grp-cs-audit to "auditor,agent"
            }

            public String sessionCookie() {
                return "s";
            }

            public String csrfCookie() {
                return "c";
            }

            public boolean secureCookies() {
                return true;
            }
        };
        assertThatThrownBy(people::checkRoleMap).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("countersign.web.oidc.role-map.\"grp-cs-audit\"=agent");
    }

    @Test
    void aSingleGroupAsAStringCounts() {
        assertThat(person(Map.of("email", "a@example.com", "groups", "grp-cs-reviewers"), COMPANY).roles())
                .isEqualTo(Set.of("reviewer"));
    }

    @Test
    void claimsThatCannotMakeAPersonAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> person(Map.of("sub", "x", "groups", List.of()), COMPANY))
                .isInstanceOfSatisfying(WebSession.Refused.class, r -> {
                    assertThat(r.type).isEqualTo("user-id-claim-missing");
                    assertThat(r.detail).contains("email claim");
                });
        assertThatThrownBy(() -> person(Map.of("email", "a\u0007b@example.com", "groups", List.of()), COMPANY))
                .isInstanceOfSatisfying(WebSession.Refused.class, r -> assertThat(r.type).isEqualTo("user-id-unusable"));
        assertThatThrownBy(() -> person(Map.of("email", "x".repeat(256), "groups", List.of()), COMPANY))
                .isInstanceOfSatisfying(WebSession.Refused.class, r -> assertThat(r.type).isEqualTo("user-id-unusable"));
        assertThatThrownBy(() -> person(Map.of("email", "a@example.com"), COMPANY))
                .isInstanceOfSatisfying(WebSession.Refused.class, r -> assertThat(r.type).isEqualTo("groups-claim-missing"));
        Map<String, Object> overage = new HashMap<>(Map.of("email", "a@example.com",
                "_claim_names", Map.of("groups", "src1")));
        assertThatThrownBy(() -> person(overage, COMPANY))
                .isInstanceOfSatisfying(WebSession.Refused.class, r -> {
                    assertThat(r.type).isEqualTo("groups-claim-overage");
                    assertThat(r.detail).contains("200");
                });
        // an empty groups claim is a person without roles, not a missing claim
        assertThat(person(Map.of("email", "a@example.com", "groups", List.of()), COMPANY).roles()).isEmpty();
    }
}
