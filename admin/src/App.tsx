import { Admin, CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage';
import { SetPasswordPage } from './auth/SetPasswordPage';
import { authProvider } from './authProvider';
import { Dashboard } from './dashboard/Dashboard';
import { dataProvider } from './dataProvider';
import { Layout } from './layout/Layout';
import { IntegrationPage } from './integration';
import { resources } from './resources';
import { SettingsPage } from './settings/SettingsPage';
import { theme } from './theme';

/**
 * The operator console. Resources are listed in resources.tsx (one line per area); pages that
 * are not resources are custom routes here. Customers is the home screen.
 */
export function App() {
  return (
    <Admin
      title="Drypowder"
      dataProvider={dataProvider}
      authProvider={authProvider}
      loginPage={LoginPage}
      layout={Layout}
      theme={theme}
      // Ask who is signed in before drawing the menu and app bar, so a signed-out visitor
      // sees the sign-in form straight away rather than a flash of the console.
      requireAuth
      disableTelemetry
    >
      {resources.map((resource) => (
        <Resource key={resource.name} {...resource} />
      ))}
      <CustomRoutes>
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="/integration" element={<IntegrationPage />} />
        <Route path="/dashboard" element={<Dashboard />} />
      </CustomRoutes>
      <CustomRoutes noLayout>
        <Route path="/set-password" element={<SetPasswordPage />} />
      </CustomRoutes>
    </Admin>
  );
}
